// sacreBLEU's default "13a" tokenisation: the rules of WMT's mteval-v13a.pl, as sacreBLEU applies
// them.
#pragma once

#include <string>
#include <string_view>

namespace tandem::eval {

// What sacrebleu.tokenizers.tokenizer_13a.Tokenizer13a()(line) returns, byte for byte:
//  1. "<skipped>" is deleted, "-\n" joins the lines around it, any other "\n" becomes a space;
//     then, in this order, &quot; &amp; &lt; &gt; become " & < > (one pass each, so "&amp;lt;"
//     ends as "<", as it does in sacreBLEU);
//  2. the ASCII symbols  ! " # $ % & ( ) * + / : ; < = > ? @ [ \ ] ^ _ ` { | } ~  are split off
//     (not ' - , . nor digits);
//  3. "." and "," are split off unless they sit between two digits ("1,000.50" stays whole), and
//     "-" is split off after a digit ("1-2" becomes "1 - 2", "a-b" stays);
//  4. runs of whitespace (Python's set, see eval/text.h) become one space, none at the ends.
// BLEU strips trailing whitespace before calling this (so a final "-\n" is not joined).
// `line` should be valid UTF-8; only ASCII bytes are ever split off.
std::string tokenize_13a(std::string_view line);

}  // namespace tandem::eval
