"""The ``redspec`` command line."""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """redspec: an executable specification of Redis 7.0 and a reference server built from it.

    \b
    Examples:
      redspec serve --port 6380           serve RESP on 127.0.0.1:6380
    """


@main.command()
@click.option("--port", default=6379, show_default=True, help="TCP port to listen on.")
@click.option("--bind", default="127.0.0.1", show_default=True, help="Address to bind.")
def serve(port: int, bind: str) -> None:
    """Run the reference server in the foreground."""
    from .server import run

    click.echo(f"redspec reference server listening on {bind}:{port}", err=True)
    run(bind, port)


if __name__ == "__main__":
    main()
