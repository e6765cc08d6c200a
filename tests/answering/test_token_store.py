"""The answer ranking's stored token table: the same tokens and IDF as computing them, read one text
at a time; a damaged file is rebuilt; a change to the code that makes them is a new table."""

from __future__ import annotations

from assistant.answering import compose, token_store


def _fresh(kb, monkeypatch, tmp_path):
    monkeypatch.setenv("PODTALK_CACHE", str(tmp_path))
    monkeypatch.setattr(compose, "_TOKEN_TABLES", {})
    monkeypatch.setattr(compose, "_IDF_CACHE", {})
    return compose._token_table(kb)


def test_the_stored_table_gives_the_tokens_and_idf_of_the_built_one(kb, monkeypatch, tmp_path):
    questions = [("what is a headless service", "en"), ("kube-proxy 如何转发流量", "zh")]
    built = _fresh(kb, monkeypatch, tmp_path)
    idf = compose._fact_idf(kb)
    ranked = [compose.rank_facts(e, q, lang, kb=kb) for e in kb.entries for q, lang in questions]
    assert isinstance(built, dict) and len(built) > 1000
    stored = _fresh(kb, monkeypatch, tmp_path)
    assert isinstance(stored, token_store.TokenTable)
    assert all(stored.get(text) == tokens for text, tokens in built.items())
    assert stored.get("a text that is not in the KB") is None
    assert compose._fact_idf(kb) == idf
    assert [compose.rank_facts(e, q, lang, kb=kb) for e in kb.entries for q, lang in questions] == ranked


def test_a_damaged_table_is_built_again(kb, monkeypatch, tmp_path):
    _fresh(kb, monkeypatch, tmp_path)
    (path,) = tmp_path.glob("answer-tokens-*.bin")
    raw = bytearray(path.read_bytes())
    raw[-5] ^= 0x20
    path.write_bytes(bytes(raw))
    assert token_store.read(path) is None
    assert isinstance(_fresh(kb, monkeypatch, tmp_path), dict)    # rebuilt (and stored again)
    assert isinstance(_fresh(kb, monkeypatch, tmp_path), token_store.TokenTable)


def test_code_identity_follows_what_a_function_computes():
    def idf_a(n, c):
        return n / c

    def idf_b(n, c):
        return 1 + n / c

    def idf_a_again(n, c):  # same code, another line
        return n / c

    assert token_store.code_identity(idf_a) != token_store.code_identity(idf_b)
    assert token_store.code_identity(idf_a) == token_store.code_identity(idf_a_again)
