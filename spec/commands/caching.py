"""CLIENT TRACKING, CLIENT CACHING, CLIENT GETREDIR and CLIENT TRACKINGINFO
(``clientCommand``'s client-side caching part, ``networking.c``); the mechanism is
``spec.tracking``."""

from __future__ import annotations

from ..cstr import c_word
from ..errors import SYNTAX
from ..numbers import string2ll
from ..reply import OK, Err, Map, Reply, RSet
from ..step import Step
from ..tracking import check_prefix_collisions, disable_tracking, enable_tracking
from .registry import command

__all__ = ["NO_SUCH_REDIRECT"]

NO_SUCH_REDIRECT = Err("ERR The client ID you want redirect to does not exist")
_SWITCH_BCAST = Err("ERR You can't switch BCAST mode on/off before disabling tracking for this "
                    "client, and then re-enabling it with a different mode.")
_SWITCH_OPT = Err("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this "
                  "client, and then re-enabling it with a different mode.")
_OPTIONS = {b"bcast": "tracking_bcast", b"optin": "tracking_optin",
            b"optout": "tracking_optout", b"noloop": "tracking_noloop"}


@command("client|tracking")
def client_tracking(s: Step, argv: list[bytes]) -> Reply:
    """CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]:
    the options parse first (a bad one, or a redirection to no client, answers at once),
    then ON checks them against each other and the current mode, in Redis's order."""
    redir = 0
    options: set[str] = set()
    prefixes: list[bytes] = []
    j = 3
    while j < len(argv):
        more = len(argv) - 1 - j
        opt = c_word(argv[j])
        if opt == b"redirect" and more:
            j += 1
            if redir != 0:
                return Err("ERR A client can only redirect to a single other client")
            n = string2ll(argv[j])
            if n is None:
                return Err("ERR value is not an integer or out of range")
            if n not in s.clients and n != s.client.id:
                return NO_SUCH_REDIRECT
            redir = n
        elif opt in _OPTIONS:
            options.add(_OPTIONS[opt])
        elif opt == b"prefix" and more:
            j += 1
            prefixes.append(argv[j])
        else:
            return SYNTAX
        j += 1
    mode = c_word(argv[2])
    if mode == b"off":
        disable_tracking(s)
        return OK
    if mode != b"on":
        return SYNTAX
    c = s.client
    bcast = "tracking_bcast" in options
    if not bcast and prefixes:
        return Err("ERR PREFIX option requires BCAST mode to be enabled")
    if "tracking" in c.flags and ("tracking_bcast" in c.flags) != bcast:
        return _SWITCH_BCAST
    if bcast and options & {"tracking_optin", "tracking_optout"}:
        return Err("ERR OPTIN and OPTOUT are not compatible with BCAST")
    if {"tracking_optin", "tracking_optout"} <= options:
        return Err("ERR You can't specify both OPTIN mode and OPTOUT mode")
    if ("tracking_optin" in options and "tracking_optout" in c.flags) or (
            "tracking_optout" in options and "tracking_optin" in c.flags):
        return _SWITCH_OPT
    if bcast:
        collision = check_prefix_collisions(c, prefixes)
        if collision is not None:
            err = Err(collision[0])
            if not collision[1]:
                return err
            # 7.0.15 goes on after the error (``checkPrefixCollisionsOrReply`` returns the
            # prefix's index): the error is a reply of its own, counted, and the call failed
            s.out.append(b"-%s\r\n" % err.encode())
            s.count_error(err)
            s.count_failed("client|tracking")
    enable_tracking(s, redir, frozenset(options), prefixes)
    return OK


@command("client|caching")
def client_caching(s: Step, argv: list[bytes]) -> Reply:
    """CLIENT CACHING YES|NO: in OPTIN mode, remember the keys of the next command; in
    OPTOUT mode, do not (the flag lasts one command, or one MULTI ... EXEC)."""
    f = s.client.flags
    if "tracking" not in f:
        return Err("ERR CLIENT CACHING can be called only when the client is in tracking mode "
                   "with OPTIN or OPTOUT mode enabled")
    opt = c_word(argv[2])
    if opt == b"yes":
        if "tracking_optin" not in f:
            return Err("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN "
                       "mode.")
    elif opt == b"no":
        if "tracking_optout" not in f:
            return Err("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT "
                       "mode.")
    else:
        return SYNTAX
    s.update_client(flags=f | {"tracking_caching"})
    return OK


@command("client|getredir")
def client_getredir(s: Step, argv: list[bytes]) -> Reply:
    """CLIENT GETREDIR: the redirection's client id (0: none), -1 when tracking is off."""
    c = s.client
    return c.info.tracking_redirect if "tracking" in c.flags else -1


@command("client|trackinginfo")
def client_trackinginfo(s: Step, argv: list[bytes]) -> Reply:
    """CLIENT TRACKINGINFO: ``flags`` (a set: off, or on and the mode), ``redirect`` and
    ``prefixes``."""
    c = s.client
    f = c.flags
    if "tracking" not in f:
        flags = [b"off"]
    else:
        flags = [b"on"]
        if "tracking_bcast" in f:
            flags.append(b"bcast")
        if "tracking_optin" in f:
            flags.append(b"optin")
            if "tracking_caching" in f:
                flags.append(b"caching-yes")
        if "tracking_optout" in f:
            flags.append(b"optout")
            if "tracking_caching" in f:
                flags.append(b"caching-no")
        if "tracking_noloop" in f:
            flags.append(b"noloop")
        if "tracking_broken_redir" in f:
            flags.append(b"broken_redirect")
    redirect = c.info.tracking_redirect if "tracking" in f else -1
    return Map([(b"flags", RSet(flags)), (b"redirect", redirect),
                (b"prefixes", list(c.info.tracking_prefixes))])
