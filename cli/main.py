"""The ``redspec`` command line."""

from __future__ import annotations

import os
import sys

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """redspec: an executable specification of Redis 7.0 and a reference server built from it.

    \b
    Examples:
      redspec serve --port 6380           serve RESP on 127.0.0.1:6380
      redspec serve --clock virtual       time moves only with REDSPEC CLOCK
      redspec check --json check.json     run every invariant suite, proof and model
      redspec diff --target 127.0.0.1:7000 --json d.json
                                          diff a RESP server against the spec
      redspec vectors export vectors/     conformance vectors from the spec
      redspec vectors run --target 127.0.0.1:7000 vectors/
      redspec advise trace.txt            encodings, conversions and costs of an access
                                          pattern, and what other limits/types would cost
      redspec advise leaderboard.yaml     which Redis types fit an access-pattern description,
                                          with encodings and costs (docs/examples/advise/)
      redspec review model.d2 --mechanism expire
                                          feedback on a tutorial's D2 model (docs/tutorials/)

    Each subcommand's --help says more.
    """


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.option("--port", default=6379, show_default=True, help="TCP port to listen on.")
@click.option("--bind", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
              default=None, help="A redis.conf-style file of parameters.")
@click.option("--clock", "clock_kind", type=click.Choice(["wall", "virtual"]), default="wall",
              show_default=True,
              help="Time source: the wall clock, or a virtual clock that starts at the wall "
                   "time and moves only with REDSPEC CLOCK ADVANCE/SET.")
@click.pass_context
def serve(ctx: click.Context, port: int, bind: str, config_file: str | None,
          clock_kind: str) -> None:
    """Run the reference server in the foreground.

    Any other ``--NAME VALUE`` option sets a configuration parameter, as with redis-server
    (e.g. ``--hz 20 --requirepass foo``). The startup log names the spec build it runs
    (interpreted, or compiled by ``make compile``).
    """
    from redspec.reference.config_file import ACL_USERS, ConfigError, load_config
    from redspec.reference.server import Clock, LoadError, read_acl_file, read_rdb_file, run
    from redspec.spec.acl import load_users_at_startup
    from redspec.spec.config import PARAMS
    from redspec.spec.configfile import with_config_file
    from redspec.spec.server import new_server, with_replid

    from .build import spec_build

    try:
        overrides = load_config(config_file, [*ctx.args, "--port", str(port), "--bind", bind])
    except ConfigError as e:
        raise click.ClickException(f"FATAL CONFIG FILE ERROR: {e}") from e
    overrides.setdefault("dir", os.getcwd())  # Redis's dir is the working directory
    overrides.setdefault("save", PARAMS["save"].default)  # Redis's default save points
    clock = Clock(virtual=clock_kind == "virtual")
    acl_users = overrides.pop(ACL_USERS, [])
    state = new_server(clock.now_ms(), **overrides)
    _log_to_stderr(str(state.config.get("loglevel", "notice")))
    state = with_replid(state, os.urandom(20).hex())  # every server its own history
    if config_file is not None:  # CONFIG REWRITE writes it back (``server.configfile``)
        state = with_config_file(state, os.path.abspath(config_file))
    # ACLLoadUsersAtStartup: the config file's users, or the aclfile's (never both)
    aclfile = state.config["aclfile"]
    got = load_users_at_startup(state, acl_users,
                                read_acl_file(state, aclfile) if aclfile else None)
    if isinstance(got, list):
        for line in got:
            click.echo(line, err=True)
        ctx.exit(1)
    state, notices = got
    for line in notices:
        click.echo(line, err=True)
    try:
        aof = rdb = None
        if state.config.get("appendonly"):  # loadDataFromDisk: the AOF set, never the RDB
            from redspec.reference.aofload import open_aof_set
            from redspec.reference.server import _say

            aof = open_aof_set(state, _say)
        else:
            rdb = read_rdb_file(state)
        click.echo(f"redspec reference server listening on {bind}:{port}", err=True)
        click.echo(f"spec build: {spec_build()}", err=True)
        code = run(bind, port, state, clock=clock, rdb=rdb, aof=aof)
    except LoadError as e:
        click.echo(str(e), err=True)
        if e.panic:  # serverPanic: Redis aborts
            os.abort()
        ctx.exit(1)
    ctx.exit(code)


def _log_to_stderr(loglevel: str) -> None:
    """``redspec serve``'s server log: every line at ``loglevel`` or above (Redis's
    ``serverLog`` levels: debug, verbose, notice, warning), one message a line on stderr.
    (``redspec-server`` writes Redis's own line format, ``logfile`` and syslog: docs/dropin.md.)"""
    import logging

    logger = logging.getLogger("redspec")
    if logger.handlers:
        return
    levels = {"debug": logging.DEBUG, "verbose": 15, "notice": logging.INFO,
              "warning": logging.WARNING}
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(levels.get(loglevel, logging.INFO))
    logger.propagate = False


from .check import check  # noqa: E402

main.add_command(check)

from .diff import diff  # noqa: E402
from .vectors import vectors  # noqa: E402

main.add_command(diff)
main.add_command(vectors)

from .peers import peers  # noqa: E402

main.add_command(peers)

from .advise import advise  # noqa: E402

main.add_command(advise)

from .review import review  # noqa: E402

main.add_command(review)

if __name__ == "__main__":
    main()
