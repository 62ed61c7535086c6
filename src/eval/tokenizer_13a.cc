// The 13a rules as four linear scans, each equivalent to one of sacreBLEU's regex substitutions.
#include "eval/tokenizer_13a.h"

#include "eval/text.h"

namespace tandem::eval {
namespace {

// Python's str.replace: non-overlapping occurrences, left to right.
std::string replace_all(std::string_view text, std::string_view from, std::string_view to) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  for (size_t hit; (hit = text.find(from, pos)) != std::string_view::npos;) {
    out.append(text.substr(pos, hit - pos));
    out.append(to);
    pos = hit + from.size();
  }
  out.append(text.substr(pos));
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_period_or_comma(char c) { return c == '.' || c == ','; }

// The characters of sacreBLEU's first regex class [\{-\~\[-\` -\&\(-\+\:-\@\/]: the ranges
// {..~, [..`, space..&, (..+, :..@ and the slash.
bool is_split_symbol(char c) {
  return (c >= '{' && c <= '~') || (c >= '[' && c <= '`') || (c >= ' ' && c <= '&') ||
         (c >= '(' && c <= '+') || (c >= ':' && c <= '@') || c == '/';
}

// The scans below work on bytes although Python's regexes see code points. That is equivalent:
// every pattern names only ASCII characters except [^0-9], which a non-ASCII code point matches
// as a whole and whose bytes all match alike; a multi-byte character taken as the [^0-9] of
// rule 2 or 3 is copied unchanged either way, and none of its other bytes can start a match.

// re.sub(r'([^0-9])([\.,])', r'\1 \2 '): a period or comma after a non-digit.
std::string split_after_non_digit(const std::string& s) {
  std::string out;
  out.reserve(s.size() + s.size() / 4);
  for (size_t i = 0; i < s.size();) {
    if (i + 1 < s.size() && !is_digit(s[i]) && is_period_or_comma(s[i + 1])) {
      out += s[i];
      out += ' ';
      out += s[i + 1];
      out += ' ';
      i += 2;  // a match consumes both characters, so "a.." splits only the first period here
    } else {
      out += s[i++];
    }
  }
  return out;
}

// re.sub(r'([\.,])([^0-9])', r' \1 \2'): a period or comma before a non-digit.
std::string split_before_non_digit(const std::string& s) {
  std::string out;
  out.reserve(s.size() + s.size() / 4);
  for (size_t i = 0; i < s.size();) {
    if (i + 1 < s.size() && is_period_or_comma(s[i]) && !is_digit(s[i + 1])) {
      out += ' ';
      out += s[i];
      out += ' ';
      out += s[i + 1];
      i += 2;
    } else {
      out += s[i++];
    }
  }
  return out;
}

// re.sub(r'([0-9])(-)', r'\1 \2 '): a dash after a digit.
std::string split_dash_after_digit(const std::string& s) {
  std::string out;
  out.reserve(s.size() + s.size() / 4);
  for (size_t i = 0; i < s.size();) {
    if (i + 1 < s.size() && is_digit(s[i]) && s[i + 1] == '-') {
      out += s[i];
      out += " - ";
      i += 2;
    } else {
      out += s[i++];
    }
  }
  return out;
}

}  // namespace

std::string tokenize_13a(std::string_view line) {
  std::string text = replace_all(line, "<skipped>", "");
  text = replace_all(text, "-\n", "");
  text = replace_all(text, "\n", " ");
  if (text.find('&') != std::string::npos) {
    text = replace_all(text, "&quot;", "\"");
    text = replace_all(text, "&amp;", "&");
    text = replace_all(text, "&lt;", "<");
    text = replace_all(text, "&gt;", ">");
  }

  // sacreBLEU pads the line with a space on each side before the regexes, which lets rule 2 see
  // a non-digit before a leading period and rule 3 one after a final period.
  std::string spaced = " ";
  spaced.reserve(text.size() * 2 + 2);
  for (char c : text) {
    if (is_split_symbol(c)) {
      spaced += ' ';
      spaced += c;
      spaced += ' ';
    } else {
      spaced += c;
    }
  }
  spaced += ' ';
  spaced = split_dash_after_digit(split_before_non_digit(split_after_non_digit(spaced)));

  std::string out;
  out.reserve(spaced.size());
  for (std::string_view word : split_whitespace(spaced)) {
    if (!out.empty()) out += ' ';
    out.append(word);
  }
  return out;
}

}  // namespace tandem::eval
