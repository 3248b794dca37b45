"""Korean for the site's search: index a noun without the particle (조사) or the verb ending written
after it.

Korean writes particles onto the word (기울기가, 기울기를, 기울기의), and a noun becomes a verb or an
adjective with 하다/되다 (마스크된, 임베딩한, 패딩하는, 정렬했다), so Sphinx's default splitter indexes
every form separately and a search for 기울기 misses a page that only says 기울기가. This search
language strips one common particle, copula or 하다/되다 ending from the end of each word, in Python
when the index is built and in JavaScript when a reader types a query, with the same list, so both
sides meet on the same stem. It is a small, predictable rule, not a morphological analyser: a word
that merely ends like a particle (길이 -> 길) is cut too, consistently on both sides, which can only
add a few extra hits, never lose one.
"""
from __future__ import annotations

import json
import re

from sphinx.search import SearchLanguage

# longest first; each entry is removed once from the end of a word that has Hangul before it
SUFFIXES = sorted({
    "에서는", "에서도", "에서의", "으로는", "으로도", "으로서", "으로써", "에게는", "에게서", "까지는", "부터는",
    "이라는", "이라고", "이라면", "이라도", "입니다", "이었다", "이므로", "이지만",
    "에서", "에게", "으로", "까지", "부터", "처럼", "보다", "마다", "라는", "라고", "라면", "이다", "이며", "이고",
    "이나", "이면", "이란", "와의", "과의", "에는", "에도", "로는", "로도", "로서", "로써", "만큼", "조차", "뿐",
    "은", "는", "이", "가", "을", "를", "의", "에", "와", "과", "로", "도", "만", "랑", "인",
    # the plural 들 with a particle (시퀀스들을, 토큰들의)
    "들", "들이", "들을", "들의", "들은", "들에", "들로", "들과", "들도", "들만",
} | set(VERB_ENDINGS := (
    # 하다/되다/시키다 after a noun (마스크된, 임베딩한, 패딩하는, 정렬했다, 학습시킨): verb and
    # adjective forms of the course's nouns
    "하는", "하지", "하고", "하면", "하여", "해서", "하며", "하기", "하던", "하다", "한다", "했다", "했고", "했던",
    "했습니다", "합니다", "하면서", "하려면", "하므로", "하지만", "하도록", "할", "한", "해", "했",
    "되는", "되지", "되고", "되면", "되어", "돼서", "되며", "되기", "되던", "되다", "된다", "됐다", "되었다",
    "됩니다", "되었습니다", "되므로", "되도록", "된", "될", "돼", "됐",
    "시킨", "시키는", "시켜", "시킵니다",
)), key=lambda s: (-len(s), s))

_HANGUL = "\uac00-\ud7a3"
_STEM_RE = re.compile(f"^(.*?[{_HANGUL}A-Za-z0-9_])({'|'.join(SUFFIXES)})$")


def stem(word: str) -> str:
    """The word without one trailing particle; words without one are returned unchanged.

    >>> [stem(w) for w in ["기울기가", "기울기를", "기울기", "마스크로", "게이트의", "RNN은", "마스크된", "임베딩한"]]
    ['기울기', '기울기', '기울기', '마스크', '게이트', 'RNN', '마스크', '임베딩']
    """
    if not isinstance(word, str):
        raise TypeError(f"word must be a str, got {type(word).__name__}")
    m = _STEM_RE.match(word)
    return m.group(1) if m else word


JS_STEMMER = """
/**
 * Korean: strip one trailing particle, the same rule as seqlab_search_ko.stem in Python.
 */
var Stemmer = function() {
  const suffixes = %s;
  const re = new RegExp("^(.*?[\\\\uac00-\\\\ud7a3A-Za-z0-9_])(" + suffixes.join("|") + ")$");
  this.stemWord = function(w) {
    const m = re.exec(w);
    return m ? m[1] : w;
  };
};
""" % json.dumps(SUFFIXES, ensure_ascii=False)


class SearchKorean(SearchLanguage):
    lang = "ko"
    language_name = "Korean"
    js_stemmer_code = JS_STEMMER

    def stem(self, word: str) -> str:
        return stem(word)
