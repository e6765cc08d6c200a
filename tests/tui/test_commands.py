"""Slash commands and the command palette: topics, help, export, copy, clear, language, theme, tour."""

from __future__ import annotations

import json
from pathlib import Path

from tests.tui.helpers import ask, wait_ready, wait_until


async def _palette(pilot, query: str) -> None:
    """Open the palette with its key, search for ``query`` and run the top command with Enter.

    The query goes into the palette's input in one step (typing it key by key cost ~65 ms a key under
    Pilot: 5 s for this file's six commands); Enter waits for the palette's search to finish."""
    from textual.command import CommandInput, CommandList, CommandPalette

    await pilot.press("ctrl+p")
    palette = await wait_until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette) and pilot.app.screen)
    palette.query_one(CommandInput).value = query
    await pilot.pause()

    def searched() -> bool:
        searching = [w for w in pilot.app.workers
                     if w.group == CommandPalette._GATHER_COMMANDS_GROUP and not w.is_finished]
        return not searching and palette.query_one(CommandList).option_count > 0

    await wait_until(pilot, searched, what=f"palette results for {query!r}")
    await pilot.press("enter")
    await wait_until(pilot, lambda: pilot.app.screen.__class__.__name__ != "CommandPalette")


async def test_export_markdown_and_json(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_ready(pilot)
        await ask(pilot, "what is a headless service")
        await ask(pilot, "Service 的 DNS 名称是什么")
        app.prompt.text = "/export json"
        await pilot.press("enter")
        app.prompt.text = "/export md"
        await pilot.press("enter")
        files = await wait_until(pilot, lambda: len(list(tmp_path.glob("podtalk-conversation-*"))) == 2
                                 and sorted(tmp_path.glob("podtalk-conversation-*")))
        notice = " ".join(n.markdown_text for n in app.query("NoticeView"))
        assert all(str(f) in notice for f in files)
    data = json.loads(next(f for f in files if f.suffix == ".json").read_text(encoding="utf-8"))
    roles = [t["role"] for t in data["turns"]]
    assert roles == ["question", "answer", "question", "answer"]
    assert data["turns"][3]["answer"]["sources"][0]["id"]
    md = next(f for f in files if f.suffix == ".md").read_text(encoding="utf-8")
    assert "Service 的 DNS 名称是什么" in md and "**Sources**" in md and "https://kubernetes.io" in md


async def test_copy_last_answer_and_code_block(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_ready(pilot)
        view = await ask(pilot, "how do I check the endpoints of a service")
        app.prompt.text = "/copy"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.clipboard == view.markdown_text)
        if "```" in view.markdown_text:
            app.prompt.text = "/copy code"
            await pilot.press("enter")
            await wait_until(pilot, lambda: app.clipboard and "```" not in app.clipboard
                             and app.clipboard in view.markdown_text)


async def test_palette_commands(make_app, tmp_path, _isolated_state):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_ready(pilot)
        view = await ask(pilot, "what is kube-proxy")
        await _palette(pilot, "copy last answer")
        await wait_until(pilot, lambda: app.clipboard == view.markdown_text, what="copied")
        await _palette(pilot, "export json")
        await wait_until(pilot, lambda: list(tmp_path.glob("podtalk-conversation-*.json")), what="export")
        await _palette(pilot, "topics")
        await wait_until(pilot, lambda: any("service-clusterip" in n.markdown_text for n in app.query("NoticeView")))
        was_dark = app.current_theme.dark
        await _palette(pilot, "toggle light")
        assert app.current_theme.dark is not was_dark
        await _palette(pilot, "toggle language")
        assert app.lang == "en"
        await _palette(pilot, "clear conversation")
        await wait_until(pilot, lambda: not app.query("AnswerView"))
        assert app.store.turns == []
    settings = json.loads((_isolated_state / "settings.json").read_text())
    assert settings["lang"] == "en" and settings["theme"] == "textual-light"


async def test_theme_and_language_are_remembered(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        app.prompt.text = "/theme light"
        await pilot.press("enter")
        app.prompt.text = "/lang zh"
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "textual-light" and app.status.lang == "zh"
    again = make_app()
    async with again.run_test(size=(100, 40)):
        assert again.theme == "textual-light" and again.lang == "zh"


async def test_help_screen_and_unknown_command(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f1")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "HelpScreen")
        assert "Inspecting manifests" in str(app.screen.query_one("Markdown").source)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ != "HelpScreen")
        app.prompt.text = "/frobnicate"
        await pilot.press("enter")
        await wait_until(pilot, lambda: any("Unknown command" in n.markdown_text for n in app.query("NoticeView")))


def test_every_binding_has_an_id():
    from textual.binding import Binding

    from assistant.tui.app import PodtalkApp
    from assistant.tui.screens import ConversationsScreen, HelpScreen, HistorySearchScreen, ManifestScreen
    from assistant.tui.widgets import MessageView, PromptArea

    for cls in (PodtalkApp, HelpScreen, ManifestScreen, PromptArea, MessageView, ConversationsScreen,
                HistorySearchScreen):
        for binding in cls.BINDINGS:
            assert isinstance(binding, Binding) and binding.id, (cls.__name__, binding)


def test_slash_parsing():
    from assistant.tui.commands import parse_slash

    assert parse_slash("/export json") == ("export", ["json"])
    assert parse_slash("  /HELP ") == ("help", [])
    assert parse_slash("/etc/hosts") is None
    assert parse_slash("what is /metrics") is None
    assert parse_slash("/copy\nmore") is None


def test_help_is_generated_from_the_command_table_in_each_language():
    from assistant.tui.commands import COMMANDS
    from assistant.tui.screens.help import HELP_DIR, help_markdown

    assert (HELP_DIR / "help.md").is_file() and (HELP_DIR / "help.zh.md").is_file()
    for lang in ("en", "zh"):
        text = help_markdown(lang)
        assert "{commands}" not in text
        for command in COMMANDS:
            assert f"`/{command.name}" in text, (lang, command.name)
    assert "新建会话" in help_markdown("zh")


def test_every_command_has_a_handler_help_and_palette_text_in_every_language():
    from assistant.tui.app import PodtalkApp
    from assistant.tui.commands import COMMANDS
    from assistant.tui.i18n import catalogue, languages

    assert set(languages()) >= {"en", "zh"}
    for command in COMMANDS:
        assert callable(getattr(PodtalkApp, command.handler, None)), command.name
        for lang in languages():
            assert f"cmd.{command.name}" in catalogue(lang), (lang, command.name)
            for entry in command.palette:
                assert entry.title in catalogue(lang) and entry.help in catalogue(lang), (lang, entry)


async def test_tour_takes_over_the_input_while_active(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        app.prompt.text = "/tour"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.status.tour, what="tour status")
        asked = len(app.query("AnswerView"))
        app.prompt.text = "next"
        await pilot.press("enter")
        await pilot.pause()
        assert len(app.query("AnswerView")) == asked  # went to the tour, not to ask()
        app.prompt.text = "/tour quit"
        await pilot.press("enter")
        await wait_until(pilot, lambda: not app.status.tour, what="tour ended")


async def test_user_keymap_rebinds_by_binding_id(make_app, _isolated_state):
    """settings.json {"keymap": {"app.help": "f5"}}: F5 opens help (binding ids are the rebinding API)."""
    import json

    from assistant.tui.screens.help import HelpScreen

    _isolated_state.mkdir(parents=True, exist_ok=True)
    (_isolated_state / "settings.json").write_text(json.dumps({"keymap": {"app.help": "f5"}}))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_lang_zh_relabels_the_interface_without_an_error(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.prompt.text = "/lang zh"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.ui == "zh" and "欢迎" in app.query("NoticeView").last().markdown_text)
        assert not app.query("ErrorView")
        assert "询问" in app.prompt.placeholder and "语言" in app.status.render().plain
        await pilot.press("f3")  # zh -> auto: English again
        await wait_until(pilot, lambda: app.ui == "en" and "Welcome" in app.query("NoticeView").last().markdown_text)
        assert not app.query("ErrorView")


def test_every_interface_string_the_code_asks_for_is_in_every_catalogue():
    import re

    from assistant.tui.i18n import STRINGS_DIR, catalogue, languages

    code = "".join(p.read_text(encoding="utf-8") for p in STRINGS_DIR.parent.rglob("*.py"))
    keys = {m.group(1) for m in re.finditer(r"""\bt\([^,()]+,\s*["']([a-z_.]+[a-z_])["']""", code)}
    keys |= {f"progress.{what}" for what in ("index", "inspect")}
    assert len(keys) > 40
    for lang in languages():
        assert not keys - set(catalogue(lang)), (lang, sorted(keys - set(catalogue(lang))))
