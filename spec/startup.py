"""Start-up loading with the layers put together: :func:`spec.loading.load_step` reads the
file, and the function libraries it meets are created here as ``rdbLoadRio`` creates them
(``rdbFunctionLoad`` → ``functionsCreateWithLibraryCtx``), in file order, before the keys
that follow them. Running a library's code is ``spec.functions`` (dispatch layer), so this
belongs to the server layer, above both; the loader below hands up the code it read.
"""

from __future__ import annotations

from .functions import LibraryCtx, create_library
from .loading import LoadFailed, LoadStep, load_step
from .rdb import RdbLoadError
from .reply import Err
from .state import EMPTY_MAP, ServerState, replace
from .step import Step

__all__ = ["loading_step", "install_libraries"]


def install_libraries(state: ServerState, codes: tuple[bytes, ...], now_ms: int) -> ServerState:
    """Create each library of ``codes`` in the current library context (no replacing: a
    name already there fails the load, as ``rdbFunctionLoad`` without
    ``RDBFLAGS_ALLOW_DUP``). Raises :class:`LoadFailed` ("Failed loading library, …")
    when one cannot be created; nothing is installed then."""
    s = Step(state, now_ms)
    sc = s.part("scripting")
    ctx = LibraryCtx(dict(sc.libraries.items()))
    for code in codes:
        name = create_library(s, ctx, code, False)
        if isinstance(name, Err):
            msg = str(name)[4:] if str(name).startswith("ERR ") else str(name)
            err = RdbLoadError(f"Failed loading library, {msg}", 0, "read-functions",
                               eof=True)
            raise LoadFailed(err, ()) from err
    libs = EMPTY_MAP.update(ctx.libraries) if ctx.libraries else EMPTY_MAP
    funcs = EMPTY_MAP.update(ctx.functions) if ctx.functions else EMPTY_MAP
    s.set_part("scripting", replace(sc, libraries=libs, functions=funcs))
    return s.commit()


def loading_step(state: ServerState, now_ms: int) -> tuple[ServerState, LoadStep]:
    """One step of the start-up load (``spec.loading.load_step``) with the libraries it read
    installed. Raises on a bad file; the input state is unchanged then."""
    new, step = load_step(state, now_ms)
    if step.functions:
        new = install_libraries(new, step.functions, now_ms)
    return new, step
