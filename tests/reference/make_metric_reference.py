# Makes metric_reference.json: sacreBLEU's BLEU, chrF, chrF++ and 13a tokens on small fixtures.
#
# tests/eval/sacrebleu_reference_test.cc loads the JSON and checks tandem::eval's corpus BLEU (with
# its precisions, counts, brevity penalty, lengths and printed line), chrF2 and chrF2++ (both
# with sacreBLEU's default effective-order averaging and with eps_smoothing=True) and the 13a
# tokenizer against what sacreBLEU computes here, independently of our code.
#
# Run from the repository root with the pyenv python3 (sacrebleu comes from PyPI):
#   python3 -m pip install sacrebleu==2.6.0
#   python3 tests/reference/make_metric_reference.py
# Made with sacrebleu 2.6.0 (the version is also written into the JSON). The output is
# deterministic: no randomness, and every input is spelled out below.
#
# Layout: {"meta": {...}, "cases": [case, ...], "tokenizer_13a": [{"input", "output"}, ...]}.
# A case has "name", "hypotheses" (a list of lines), "references" (a list of streams, each a
# list of lines as long as the hypotheses), "bleu" {score, precisions, counts, totals, bp,
# ratio, hyp_len, ref_len, line}, and "chrf", "chrf++", "chrf_eps", "chrf++_eps" {score, line}.
# Scores are written with Python's repr, which round-trips doubles exactly.

import json
import os

import sacrebleu
from sacrebleu.metrics import BLEU, CHRF
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "metric_reference.json")

# (name, hypotheses, [reference stream, ...]). Each aims at one behaviour, named after it.
CASES = [
    ("basic", [
        "The cat sat on the mat.",
        "There is a dog in the garden.",
        "He reads a book every evening before going to sleep.",
    ], [[
        "The cat is sitting on the mat.",
        "A dog is in the garden.",
        "Every evening he reads a book before he goes to sleep.",
    ]]),
    ("perfect_match", [
        "Tomorrow we will travel to the coast by train.",
        "She plays the violin in an orchestra.",
    ], [[
        "Tomorrow we will travel to the coast by train.",
        "She plays the violin in an orchestra.",
    ]]),
    ("empty_hypothesis_line", [
        "the weather is nice today",
        "",
        "we went to the market and bought apples",
    ], [[
        "the weather is lovely today",
        "I do not know what to say",
        "we went to the market and bought some apples",
    ]]),
    ("all_hypotheses_empty", ["", "   "], [["a short reference", "another one here"]]),
    ("no_ngram_matches", [
        "alpha beta gamma delta epsilon",
        "zeta eta theta iota kappa lambda",
    ], [[
        "one two three four five",
        "six seven eight nine ten eleven",
    ]]),
    ("german_umlauts", [
        "Die Straße führt über die Brücke zum Schloß.",
        "Müller hat größere Äpfel als Öztürk gekauft.",
        "Übermorgen fährt der Zug um 8.30 Uhr ab.",
    ], [[
        "Die Straße führt über die Brücke zum Schloss.",
        "Müller hat größere Äpfel gekauft als Öztürk.",
        "Der Zug fährt übermorgen um 8.30 Uhr ab.",
    ]]),
    ("chinese", [
        "我们明天去北京。",
        "这本书非常有意思，我很喜欢。",
        "他在 2023 年 毕业 了",
    ], [[
        "我们明天要去北京。",
        "这本书很有意思，我非常喜欢。",
        "他 2023 年 毕业 了",
    ]]),
    ("emoji", [
        "I love pizza 🍕🍕 and ice cream 🍦!",
        "Family: 👨‍👩‍👧 waves 👋🏽 at the 🇩🇪 flag",
        "😀",
    ], [[
        "I love pizza 🍕 and ice cream 🍦!",
        "Family: 👨‍👩‍👧‍👦 waves 👋 at the 🇩🇪 flag",
        "😀 😀",
    ]]),
    ("punctuation_13a", [
        "\"Hello,\" she said; \"isn't it (really) great?!\"",
        "See http://example.com/path?q=1&x=2 or mail me@host.org.",
        "&quot;Quoted&quot; &amp; escaped &lt;tags&gt; <skipped> here...",
        "Wait -- what?! [sic] {braces} | pipes ~ tildes ^ carets _ under `tick`",
        "e.g., U.S.A. vs. U.K.; 'single' quotes, and... ellipses.",
    ], [[
        "\"Hello,\" she said, \"isn't it really great?\"",
        "See http://example.com/path?q=1&x=2 or mail me@host.org .",
        "\"Quoted\" & escaped <tags> here ...",
        "Wait - what? [sic] {braces} | pipes ~ tildes ^ carets _ under `tick`",
        "e.g. U.S.A. vs U.K.; 'single' quotes and ... ellipses.",
    ]]),
    ("numbers", [
        "The price rose from 1,000.50 to 1,250.75 dollars, i.e. 25%.",
        "Pages 10-20 and 30 -40 were read by 3.5 people at 9.",
        "Version 2.0.1 was released on 2021-05-03, not .5 or 5. days later.",
        "It costs $3,5 or €4.99-ish; call 555-0123.",
    ], [[
        "The price went up from 1,000.50 to 1,250.75 dollars, i.e. by 25%.",
        "Pages 10-20 and 30-40 were read by 3.5 people at 9.",
        "Version 2.0.1 was released on 2021-05-03, not .5 or 5 days later.",
        "It costs $3,5 or €4.99-ish; call 555-0123 .",
    ]]),
    ("two_references", [
        "the quick brown fox jumps over the lazy dog",
        "a stitch in time saves nine",
        "all that glitters is not gold",
    ], [[
        "the quick brown fox leaps over the lazy dog",
        "a stitch in time will save nine",
        "not everything that glitters is gold",
    ], [
        "a fast brown fox jumps over a lazy dog",
        "one stitch in time saves nine stitches",
        "all that glitters is not gold",
    ]]),
    ("three_references_length_ties", [
        # 4 tokens: references of 3 and 5 tokens are equally close, so BLEU takes 3.
        "we like green tea",
        # 6 tokens: 5 and 7 are equally close; 5 is taken.
        "they walked home after the game",
        "short",
    ], [[
        "we like tea",
        "they walked home after game",
        "a much longer reference sentence",
    ], [
        "we really like green tea",
        "they all walked home after the game",
        "short one",
    ], [
        "we enjoy drinking green tea a lot",
        "after the game they walked home together quickly",
        "tiny",
    ]]),
    ("single_sentence", [
        "Machine translation has improved a lot in recent years.",
    ], [[
        "Machine translation has improved greatly over the last few years.",
    ]]),
    ("hypotheses_longer_than_references", [
        "the small house on the hill was painted bright red last summer by the owners",
        "we walked along the quiet river for a very long time in the evening sun",
    ], [[
        "the house on the hill was painted red",
        "we walked along the river for a long time",
    ]]),
    ("hypotheses_much_shorter", [
        "the house",
        "we walked along",
    ], [[
        "the small house on the hill was painted bright red last summer",
        "we walked along the quiet river for a very long time",
    ]]),
    ("very_short_lines", ["yes", "no", "ok ."], [["yes", "no !", "ok ."]]),
    ("whitespace_variants", [
        "  leading and   trailing spaces  ",
        "tabs\tbetween\twords",
        "no\u00a0break\u2009thin\u3000ideographic space",
        "trailing newline\n",
    ], [[
        "leading and trailing spaces",
        "tabs between words",
        "no break thin ideographic space",
        "trailing newline",
    ]]),
    ("repeated_ngrams_clipped", [
        "the the the the the the the",
        "on on on the mat mat",
    ], [[
        "the cat is on the mat",
        "the cat sat on the mat",
    ]]),
    ("case_sensitive", [
        "Paris Is The Capital Of France",
        "BERLIN IS IN GERMANY",
    ], [[
        "Paris is the capital of France",
        "Berlin is in Germany",
    ]]),
    ("empty_reference_line", [
        "something was said",
        "the meeting starts at noon",
    ], [[
        "",
        "the meeting begins at noon",
    ]]),
    ("chrf_word_punctuation", [
        "(hi) there, 'friend'! a b c",
        "\"quoted\" ... (paren) end.",
        "x, y; z: -dash- ok",
    ], [[
        "(hi) there 'friend' ! a b c",
        "\"quoted\" ...(paren) end .",
        "x , y ; z : -dash- ok",
    ]]),
    ("mixed_scripts", [
        "Привет, как дела? Всё хорошо.",
        "नमस्ते दुनिया, आप कैसे हैं?",
        "東京は日本の首都です。カタカナ",
        "مرحبا بالعالم، كيف حالك؟",
    ], [[
        "Привет, как у тебя дела? Всё отлично.",
        "नमस्ते दुनिया, तुम कैसे हो?",
        "東京は日本の首都である。カタカナ",
        "مرحبا يا عالم، كيف حالك؟",
    ]]),
]

# Extra inputs for the tokenizer alone: corners of the 13a rules that no case above shows.
TOKENIZER_EXTRA = [
    "",
    "   ",
    ".",
    ",,",
    "a..b",
    "..5",
    "5..",
    "1.2.3",
    "1,2,3",
    "3.",
    ".3",
    "a-b",
    "a -b",
    "1-",
    "-1",
    "1--2",
    "A-1-B",
    "x.,y",
    "abc-\ndef",
    "line one\nline two",
    "&amp;quot; &amp;lt; &quot &amp",
    "<skipped><skipped>x",
    "ü.ä,ö",
    "é.5",
    "5.é",
    "中.文,字",
    "'apostrophe's",
    "a\u00a0b\u1680c\u2028d\u202fe\u205ff\u0085g",
    "a\x1cb\x1fc\x0bd\x0ce\rf",
    "tab\tsep",
    "!\"#$%&()*+/:;<=>?@[\\]^_`{|}~",
]


def bleu_case(hyps, refs):
    score = BLEU().corpus_score(hyps, refs)
    # sacrebleu.corpus_bleu is the same computation; check that the API the issue names agrees.
    assert sacrebleu.corpus_bleu(hyps, refs).score == score.score
    return {
        "score": score.score,
        "precisions": list(score.precisions),
        "counts": [int(c) for c in score.counts],
        "totals": [int(t) for t in score.totals],
        "bp": score.bp,
        "ratio": score.ratio,
        "hyp_len": int(score.sys_len),
        "ref_len": int(score.ref_len),
        "line": str(score),
    }


def chrf_case(hyps, refs, word_order, eps_smoothing):
    score = CHRF(word_order=word_order, eps_smoothing=eps_smoothing).corpus_score(hyps, refs)
    if not eps_smoothing:
        assert sacrebleu.corpus_chrf(hyps, refs, word_order=word_order).score == score.score
    return {"score": score.score, "line": str(score)}


def main():
    cases = []
    for name, hyps, refs in CASES:
        assert all(len(stream) == len(hyps) for stream in refs), name
        cases.append({
            "name": name,
            "hypotheses": hyps,
            "references": refs,
            "bleu": bleu_case(hyps, refs),
            "chrf": chrf_case(hyps, refs, 0, False),
            "chrf++": chrf_case(hyps, refs, 2, False),
            "chrf_eps": chrf_case(hyps, refs, 0, True),
            "chrf++_eps": chrf_case(hyps, refs, 2, True),
        })

    tokenizer = Tokenizer13a()
    inputs = []
    for _, hyps, refs in CASES:
        inputs += hyps
        for stream in refs:
            inputs += stream
    inputs += TOKENIZER_EXTRA
    seen = set()
    tokenized = []
    for line in inputs:
        if line not in seen:
            seen.add(line)
            tokenized.append({"input": line, "output": tokenizer(line)})

    meta = {
        "sacrebleu_version": sacrebleu.__version__,
        "command": "python3 tests/reference/make_metric_reference.py",
        "defaults": "BLEU: tokenize=13a, smooth=exp, max order 4, mixed case; chrF: char order 6, "
                    "beta 2, no whitespace, effective-order averaging unless *_eps",
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump({"meta": meta, "cases": cases, "tokenizer_13a": tokenized}, f,
                  ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {OUT}: {len(cases)} cases, {len(tokenized)} tokenizer lines")


if __name__ == "__main__":
    main()
