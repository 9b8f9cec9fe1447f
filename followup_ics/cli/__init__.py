"""The `followup-ics` command group: its errors, its help, and the commands it loads when one runs.

`followup-ics --help` must start about as fast as `import click` alone, so the group lists its commands
from the one-line summaries below and imports a command's module (and everything it needs) only when that
command is actually invoked: one module per command in this package, options.py for what they share.
"""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from followup_ics import __version__
from followup_ics.app.environment import variable

# name -> the first line of the command's docstring (tests/test_docs.py keeps the two equal)
COMMANDS = {
    "generate": "Write one interview's follow-up plan as an .ics file to import.",
    "plan": "Show the follow-up schedule as a table, without writing a file.",
    "links": 'Print one-click "add to calendar" links for each step (Google, Outlook.com, Office 365).',
    "batch": "Turn a CSV of interviews into one .ics per interview plus all.ics.",
    "serve": "Serve the CSV's interviews as calendar feeds to subscribe to, rebuilt when the CSV changes.",
    "export-site": "Write the feeds and their subscribe page as static files for any web host.",
    "add": "Add an application to your CSV, with a stable id, and show its plan.",
    "record": "Record what happened to an application: an outcome, a new round, a new date, a note.",
    "list": "List each application: its status, last round, and next step, overdue ones first.",
    "push": "Store the CSV's follow-ups in a CalDAV calendar (iCloud, Fastmail, Nextcloud), kept in step.",
}


def module_name(cmd_name: str) -> str:
    """The module of a command: its name, except `list`, whose module would shadow the builtin in this
    package's namespace once imported."""
    return f"followup_ics.cli.{'listing' if cmd_name == 'list' else cmd_name.replace('-', '_')}"


class App(click.Group):
    """Every error, click's own usage errors included, is one line on stderr, never a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(module_name(cmd_name))
        if cmd_name not in ONE_INTERVIEW:
            resume_gc()
        command: click.Command = module.command
        for param in command.params:
            long_name = next((name for name in param.opts if name.startswith("--")), None)
            if isinstance(param, click.Option) and long_name and param.name != "help":
                # One name per option for every command: --plan is FOLLOWUP_ICS_PLAN wherever it appears.
                param.envvar = param.envvar or variable(long_name)
                param.show_envvar = True
        if "make_parser" not in vars(command):
            command.make_parser = _short_options_direct(command.make_parser)  # type: ignore[method-assign]
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl(list(COMMANDS.items()))

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)
        except click.UsageError as error:
            hint = f" (see '{error.ctx.command_path} --help')" if error.ctx else ""
            click.echo(f"Error: {error.format_message()}{hint}", err=True)
            sys.exit(error.exit_code)
        except click.ClickException as error:
            click.echo(f"Error: {error.format_message()}", err=True)
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(130)
        sys.exit(result if isinstance(result, int) else 0)


def _short_options_direct(make_parser: Callable[[click.Context], Any]) -> Callable[[click.Context], Any]:
    """``make_parser``, with a parser that takes a single-dash token (``-o``) for a short option without first
    building "did you mean" suggestions for it as a long one: click tries every token as a long option
    first and, when that fails, ranks all long options by similarity (importing difflib, about 2 ms of a
    `generate -o`) for an error it then drops, since a single-dash token goes on to the short options.
    Errors are the same: a double-dash token still gets its suggestions. (Parser internals of click 8.1 to
    8.5; a parser without them is used as it is.)"""

    def quick(ctx: click.Context) -> Any:
        parser = make_parser(ctx)
        long_options, match_long = getattr(parser, "_long_opt", None), getattr(parser, "_match_long_opt", None)
        prefixes = getattr(parser, "_opt_prefixes", None)
        if not isinstance(long_options, dict) or match_long is None or prefixes is None:
            return parser

        def match_long_or_fail_fast(opt: str, explicit_value: str | None, state: Any) -> None:
            if opt not in long_options and opt[:2] not in prefixes:
                raise click.NoSuchOption(opt, ctx=ctx)  # discarded by click: the token is tried as short
            match_long(opt, explicit_value, state)

        parser._match_long_opt = match_long_or_fail_fast
        return parser

    return quick


@click.group(cls=App, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="followup-ics")
def cli() -> None:
    """Put every recommended interview follow-up step into your calendar, with reminders.

    \b
    Example:
        followup-ics generate --company "Acme Corp" --date "2026-12-01 14:00" --tz America/New_York
    """


# Whether the program started with the cyclic garbage collector paused (followup_ics.entry), to resume it
# once the command's modules are imported; the commands about one interview (short, bounded, and loading
# their language's data as they run) run whole with it paused.
_gc_paused = False
ONE_INTERVIEW = frozenset({"generate", "plan", "links"})


def resume_gc() -> None:
    """Resume the garbage collector paused for start-up, first setting what start-up built aside for good.

    Importing a command allocates tens of thousands of long-lived objects (modules, classes, functions):
    with the collector running, each allocation burst sets off a collection that walks them all again,
    about 10 ms of a 90 ms `generate`. Paused, then frozen (``gc.freeze``: never scanned again, and not
    written to by collections in forked batch workers), they cost nothing; a command over a CSV runs with
    the collector on, as any program (a batch or a server runs for long).
    """
    global _gc_paused
    if _gc_paused:
        _gc_paused = False
        gc.freeze()
        gc.enable()


YOUNG_OBJECTS = 20_000  # the cyclic collector's first threshold during a batch (Python's default: 700)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """The cyclic garbage collector runs less often while a batch runs, then as before.

    A batch allocates millions of small containers (each row's steps, texts and tuples), nearly all freed by
    reference counting within the row; at the default threshold a collection still runs every 700 net new
    ones, walking the objects in use by then, and those that survive are walked again in the older
    generations. Every YOUNG_OBJECTS instead: a 10,000-row batch spent 0.17 s of its ~6 CPU-seconds in the
    collector (223 collections), then 0.03 s (5). Cycles are still collected, and memory stays flat: at most
    YOUNG_OBJECTS more objects wait for a collection (a few MB). A pool's workers are forked inside, with the
    same threshold. The threshold is the process's, so the command line sets it, around the one command it
    runs, not the library; a larger one of whoever runs us is kept, as is 0 (automatic collection off).
    """
    before = gc.get_threshold()
    if before[0]:
        gc.set_threshold(max(before[0], YOUNG_OBJECTS), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def main(*, gc_paused: bool = False) -> None:
    """Run the command line; ``gc_paused``: the caller paused the garbage collector for start-up."""
    global _gc_paused
    _gc_paused = gc_paused
    try:
        cli(prog_name="followup-ics")
    finally:
        resume_gc()  # --help, --version and usage errors import no command
        # The program ends here, and at exit the interpreter collects the garbage of every object still alive
        # before it frees them: after a batch, some 50 ms of walking objects that the system takes back whole
        # anyway. Set aside (gc.freeze), they are never walked again; they are freed as before.
        gc.freeze()
