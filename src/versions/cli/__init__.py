"""The ``versions`` command: a thin click shell over the library.

Each command's module is imported only when that command runs (click's documented lazy group), so ``versions
build`` with nothing to do does not pay for importing the aligner, the exporters or the importers.
"""

from __future__ import annotations

import importlib

import click

from .. import __version__

COMMANDS = {
    "check": "database.check",
    "build": "database.build",
    "serve": "database.serve",
    "align": "compare.align_command",
    "diff": "compare.diff_command",
    "migrate": "corrections.migrate_command",
    "log": "history.log_command",
    "export": "exchange.export_command",
    "import": "exchange.import_command",
}


class LazyGroup(click.Group):
    """A group whose commands are ``module.attribute`` paths below this package, imported on first use."""

    def __init__(self, *args, lazy_commands: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy_commands])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy_commands:
            return super().get_command(ctx, cmd_name)
        module, name = self.lazy_commands[cmd_name].rsplit(".", 1)
        return getattr(importlib.import_module(f"{__name__}.{module}"), name)


@click.group(cls=LazyGroup, lazy_commands=COMMANDS)
@click.version_option(__version__, prog_name="versions")
def cli() -> None:
    """Store, align, diff and publish every archival copy and translation of a historical document.

    Example: versions serve
    """
