"""Deterministic synthetic corpus for benchmarks and tests: documents x versions x paragraphs.

Nothing here is an archival source: every text is made up from a small built-in English-Russian word list with a
seeded RNG, and every document says so (``illustrative: true``). The same seed always writes the same bytes.

Each document is an abstract text (a list of paragraphs, each a list of tokens: words, numbers, dates, names)
rendered into versions:

* ``original``        kind original, Russian, the base;
* ``en-translation``  kind translation, English, rendered from the original (cross-language);
* ``aprf-copy``       kind archival-copy, Russian: the original with word-level edits (typos, substitutions,
                      omissions, insertions) and paragraph-level ones (split, merge, drop, insert, move);
* ``en-revised``      kind edition, English: the translation with the same kinds of edits (same-language);
* further versions alternate between more copies (Russian) and more editions (English).

Paragraph lengths are drawn from a log-normal distribution (median ~45 words, 8..220), the first paragraph is a
heading in capitals and the last a signature, as in the ciphered telegrams of the shipped corpus.

    python benchmarks/generate.py OUT --documents 1000 --versions 4 --paragraphs 20 [--same-language] [--seed N]

writes ``OUT/<document-id>/document.yaml`` and ``OUT/<document-id>/<version-id>.md`` (docs/corpus-format.md).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from dataclasses import dataclass
from pathlib import Path

# (English, Russian) pairs. Russian words are in the form they take most often; the texts are not grammatical and
# need not be: the benchmark needs realistic lengths, scripts, word frequencies and anchors, not meaning.
LEXICON: list[tuple[str, str]] = [
    ("the", ""), ("a", ""), ("of", ""), ("to", "к"), ("and", "и"), ("in", "в"), ("on", "на"), ("that", "что"),
    ("with", "с"), ("by", ""), ("for", "для"), ("from", "из"), ("at", "у"), ("not", "не"), ("is", ""),
    ("was", "был"), ("were", "были"), ("has", "имеет"), ("have", "имеют"), ("will", "будет"), ("this", "этот"),
    ("which", "который"), ("as", "как"), ("but", "но"), ("or", "или"), ("after", "после"), ("before", "до"),
    ("enemy", "противник"), ("troops", "войска"), ("our", "наш"), ("their", "их"), ("side", "сторона"),
    ("delegation", "делегация"), ("negotiations", "переговоры"), ("talks", "переговоры"), ("armistice", "перемирие"),
    ("line", "линия"), ("military", "военный"), ("demarcation", "демаркационный"), ("zone", "зона"),
    ("neutral", "нейтральный"), ("security", "охрана"), ("forces", "силы"), ("raid", "налёт"), ("night", "ночь"),
    ("aircraft", "самолёт"), ("bombs", "бомбы"), ("house", "дом"), ("investigation", "расследование"),
    ("officers", "офицеры"), ("representatives", "представители"), ("both", "обеих"), ("sides", "сторон"),
    ("killed", "убит"), ("wounded", "ранен"), ("one", "один"), ("two", "два"), ("person", "человек"),
    ("responsibility", "ответственность"), ("partisans", "партизаны"), ("detachment", "отряд"), ("area", "район"),
    ("operating", "действующий"), ("declared", "заявил"), ("refused", "отказался"), ("admit", "признать"),
    ("actions", "действия"), ("provocative", "провокационный"), ("pressure", "давление"), ("purpose", "цель"),
    ("possible", "возможный"), ("suspension", "приостановление"), ("meeting", "заседание"), ("proposal", "предложение"),
    ("question", "вопрос"), ("government", "правительство"), ("comrade", "товарищ"), ("telegram", "телеграмма"),
    ("report", "доклад"), ("situation", "положение"), ("front", "фронт"), ("army", "армия"), ("divisions", "дивизии"),
    ("offensive", "наступление"), ("defence", "оборона"), ("positions", "позиции"), ("supply", "снабжение"),
    ("ammunition", "боеприпасы"), ("food", "продовольствие"), ("transport", "транспорт"), ("railway", "железная дорога"),
    ("bridge", "мост"), ("river", "река"), ("coast", "побережье"), ("airfield", "аэродром"), ("fighters", "истребители"),
    ("losses", "потери"), ("prisoners", "пленные"), ("exchange", "обмен"), ("agreement", "соглашение"),
    ("conference", "конференция"), ("statement", "заявление"), ("protest", "протест"), ("answer", "ответ"),
    ("demand", "требование"), ("condition", "условие"), ("opinion", "мнение"), ("decision", "решение"),
    ("instructions", "указания"), ("advice", "совет"), ("help", "помощь"), ("request", "просьба"), ("please", "прошу"),
    ("inform", "сообщить"), ("consider", "считаем"), ("necessary", "необходимым"), ("continue", "продолжать"),
    ("prepare", "подготовить"), ("reinforce", "усилить"), ("propose", "предлагаем"), ("expect", "ожидаем"),
    ("soon", "вскоре"), ("already", "уже"), ("again", "снова"), ("also", "также"), ("only", "только"),
    ("however", "однако"), ("therefore", "поэтому"), ("moreover", "кроме того"), ("then", "затем"),
    ("immediately", "немедленно"), ("firmly", "твёрдо"), ("new", "новый"), ("old", "старый"), ("large", "крупный"),
    ("small", "небольшой"), ("heavy", "тяжёлый"), ("serious", "серьёзный"), ("important", "важный"),
    ("political", "политический"), ("economic", "экономический"), ("international", "международный"),
    ("public", "общественный"), ("opinion", "мнение"), ("press", "печать"), ("radio", "радио"),
    ("broadcast", "передача"), ("newspaper", "газета"), ("people", "народ"), ("volunteers", "добровольцы"),
    ("command", "командование"), ("headquarters", "штаб"), ("general", "генерал"), ("staff", "штаб"),
    ("copy", "копия"), ("copies", "копии"), ("series", "серия"), ("cipher", "шифр"), ("secret", "секретно"),
    ("urgent", "срочно"), ("received", "получено"), ("sent", "отправлено"), ("hours", "часов"), ("days", "дней"),
]

# (English, Russian) proper names that the gazetteer of the anchors module knows: they anchor the cross-language
# alignment the way real names do.
NAMES: list[tuple[str, str]] = [
    ("Kaesong", "Кэсон"), ("Panmunjom", "Пханмунджом"), ("Pyongyang", "Пхеньян"), ("Seoul", "Сеул"),
    ("Beijing", "Пекин"), ("Moscow", "Москва"), ("Shanghai", "Шанхай"), ("Manchuria", "Маньчжурия"),
    ("Mao Zedong", "Мао Цзэдун"), ("Zhou Enlai", "Чжоу Эньлай"), ("Peng Dehuai", "Пэн Дэхуай"),
    ("Kim Il Sung", "Ким Ир Сен"), ("Syngman Rhee", "Ли Сын Ман"), ("Stalin", "Сталин"), ("Korea", "Корея"),
    ("China", "Китай"), ("Japan", "Япония"),
]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]
MONTHS_RU = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
             "ноября", "декабря"]
SIGNATORIES = [(en, ru) for en, ru in NAMES if " " in en]
ARCHIVES = ["APRF", "AVP RF", "RGASPI"]

MEDIAN_WORDS = 45
SIGMA = 0.6
MIN_WORDS, MAX_WORDS = 8, 220
WORD_EDIT_RATE = 0.04  # share of words a copy or edition changes
PARAGRAPH_EDIT_RATE = 0.05  # chance per paragraph of a split, merge, omission, insertion or move
TRANSLATION_DROP_RATE = 0.05  # words a translator leaves out (and as many added)


# --- the abstract text -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Token:
    kind: str  # "word", "name", "number", "date", "end"
    value: tuple  # word: (lexicon index,), name: (index,), number: (n,), date: (day, month), end: (mark,)


def paragraph_length(rng: random.Random) -> int:
    words = int(math.exp(rng.gauss(math.log(MEDIAN_WORDS), SIGMA)))
    return max(MIN_WORDS, min(MAX_WORDS, words))


def abstract_paragraph(rng: random.Random, words: int) -> list[Token]:
    """A paragraph of ``words`` tokens in sentences of 8-30 tokens, with an anchor now and then."""
    tokens: list[Token] = []
    sentence = 0
    target = rng.randint(8, 30)
    for _ in range(words):
        roll = rng.random()
        if roll < 0.03:
            tokens.append(Token("name", (rng.randrange(len(NAMES)),)))
        elif roll < 0.045:
            tokens.append(Token("number", (rng.choice([2, 3, 5, 9, 12, 17, 24, 38, 40, 150, 1951, 23256]),)))
        elif roll < 0.05:
            tokens.append(Token("date", (rng.randint(1, 28), rng.randrange(12))))
        else:
            # a Zipf-like choice: function words at the head of the lexicon come up most often
            if rng.random() < 0.3:
                index = min(int(rng.paretovariate(1.2)) - 1, len(LEXICON) - 1)
            else:
                index = rng.randrange(len(LEXICON))
            tokens.append(Token("word", (index,)))
        sentence += 1
        if sentence >= target:
            tokens.append(Token("end", (rng.choice(".........!?"),)))
            sentence, target = 0, rng.randint(8, 30)
    if not tokens or tokens[-1].kind != "end":
        tokens.append(Token("end", (".",)))
    return tokens


def abstract_document(rng: random.Random, paragraphs: int) -> list[list[Token]]:
    """Heading, body paragraphs, signature (the heading and signature are rendered specially)."""
    number = rng.randint(10000, 99999)
    body = [abstract_paragraph(rng, paragraph_length(rng)) for _ in range(max(paragraphs - 2, 1))]
    signatory = rng.randrange(len(SIGNATORIES))
    text = [[Token("heading", (number,))], *body, [Token("signature", (signatory,))]]
    return text[:paragraphs] if paragraphs >= 1 else text


def render(paragraph: list[Token], language: str) -> str:
    """One paragraph as text in ``language`` ("en" or "ru")."""
    first = paragraph[0]
    if first.kind == "heading":
        return f"CIPHERED TELEGRAM No. {first.value[0]}" if language == "en" else f"ШИФРТЕЛЕГРАММА № {first.value[0]}"
    if first.kind == "signature":
        en, ru = SIGNATORIES[first.value[0]]
        return f"{en if language == 'en' else ru}."
    out: list[str] = []
    capital = True
    for token in paragraph:
        if token.kind == "end":
            if out:
                out[-1] += token.value[0]
            capital = True
            continue
        if token.kind == "word":
            en, ru = LEXICON[token.value[0]]
            word = en if language == "en" else ru
            if not word:
                continue
        elif token.kind == "name":
            en, ru = NAMES[token.value[0]]
            word = en if language == "en" else ru
        elif token.kind == "number":
            word = str(token.value[0])
        else:
            day, month = token.value
            word = f"{MONTHS_EN[month]} {day}" if language == "en" else f"{day} {MONTHS_RU[month]}"
        if capital:
            word = word[:1].upper() + word[1:]
            capital = False
        out.append(word)
    return " ".join(out) if out else ("Text." if language == "en" else "Текст.")


# --- variants --------------------------------------------------------------------------------------------------------

def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def edit_words(rng: random.Random, text: str, rate: float, language: str) -> str:
    """Substitute, drop, insert or misspell about ``rate`` of the words of a paragraph."""
    column = 0 if language == "en" else 1
    out = []
    for word in text.split(" "):
        roll = rng.random()
        if roll >= rate:
            out.append(word)
        elif roll < rate * 0.3:
            out.append(_typo(rng, word))
        elif roll < rate * 0.55:
            out.append(LEXICON[rng.randrange(len(LEXICON))][column] or word)
        elif roll < rate * 0.8:
            if word[-1:] in ".!?" and out:
                out[-1] += word[-1]
            continue
        else:
            out += [word, LEXICON[rng.randrange(len(LEXICON))][column] or "also"]
    return " ".join(w for w in out if w) or text


def edit_paragraphs(rng: random.Random, paragraphs: list[str], language: str, rate: float) -> list[str]:
    """Occasional splits, merges, omissions, insertions and moves of body paragraphs (heading, signature stay)."""
    if len(paragraphs) < 4:
        return list(paragraphs)
    head, body, tail = paragraphs[:1], list(paragraphs[1:-1]), paragraphs[-1:]
    out: list[str] = []
    moved: list[str] = []
    i = 0
    while i < len(body):
        roll = rng.random()
        text = body[i]
        if roll >= rate:
            out.append(text)
        elif roll < rate * 0.25 and i + 1 < len(body):  # merge with the next
            out.append(text + " " + body[i + 1])
            i += 1
        elif roll < rate * 0.5 and ". " in text:  # split after a sentence
            cut = text.index(". ") + 1
            out += [text[:cut], text[cut + 1 :]]
        elif roll < rate * 0.65:  # omitted
            pass
        elif roll < rate * 0.8:  # an inserted paragraph
            out += [text, render(abstract_paragraph(rng, paragraph_length(rng)), language)]
        else:  # moved further down
            moved.append(text)
        i += 1
    for text in moved:
        out.insert(rng.randint(len(out) // 2, len(out)), text)
    return head + (out or body) + tail


def translate(rng: random.Random, paragraph: list[Token]) -> list[Token]:
    """The tokens of a translation: a few words left out, a few added; anchors kept."""
    if paragraph[0].kind in ("heading", "signature"):
        return paragraph
    out = []
    for token in paragraph:
        if token.kind == "word" and rng.random() < TRANSLATION_DROP_RATE:
            continue
        out.append(token)
        if token.kind == "word" and rng.random() < TRANSLATION_DROP_RATE:
            out.append(Token("word", (rng.randrange(len(LEXICON)),)))
    return out


# --- documents -------------------------------------------------------------------------------------------------------

@dataclass
class VersionSpec:
    id: str
    kind: str
    language: str
    derived_from: str | None
    archive: str | None = None


def version_specs(count: int, same_language: bool) -> list[VersionSpec]:
    other = "ru" if same_language else "en"
    specs = [
        VersionSpec("original", "original", "ru", None),
        VersionSpec("en-translation" if not same_language else "ru-edition", "translation" if not same_language
                    else "edition", other, "original"),
        VersionSpec("aprf-copy", "archival-copy", "ru", "original", "APRF"),
        VersionSpec("en-revised" if not same_language else "ru-revised", "edition", other,
                    "en-translation" if not same_language else "ru-edition"),
    ]
    k = 0
    while len(specs) < count:
        k += 1
        if k % 2 and k // 2 + 1 < len(ARCHIVES):
            archive = ARCHIVES[k // 2 + 1]
            specs.append(VersionSpec(f"{archive.lower().replace(' ', '-')}-copy", "archival-copy", "ru", "original",
                                     archive))
        else:
            specs.append(VersionSpec(f"{other}-edition-{k}", "edition", other, specs[1].id))
    return specs[:count]


def document_texts(rng: random.Random, paragraphs: int, specs: list[VersionSpec]) -> dict[str, list[str]]:
    """The paragraphs of every version of one document."""
    abstract = abstract_document(rng, paragraphs)
    texts: dict[str, list[str]] = {}
    for spec in specs:
        if spec.derived_from is None:
            texts[spec.id] = [render(p, spec.language) for p in abstract]
            continue
        source = next(s for s in specs if s.id == spec.derived_from)
        if source.language == spec.language:
            edited = [edit_words(rng, text, WORD_EDIT_RATE, spec.language) for text in texts[source.id]]
            texts[spec.id] = edit_paragraphs(rng, edited, spec.language, PARAGRAPH_EDIT_RATE)
        else:
            translated = [render(translate(rng, p), spec.language) for p in abstract]
            texts[spec.id] = edit_paragraphs(rng, translated, spec.language, PARAGRAPH_EDIT_RATE / 2)
    return texts


def document_yaml(doc_id: str, number: int, rng: random.Random, archives: list[str]) -> str:
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    lines = [
        f"title: Synthetic telegram No. {number} ({doc_id}), generated for benchmarks",
        f"date: '195{rng.randint(0, 3)}-{month:02d}-{day:02d}'",
        "from: Generator",
        "to: Benchmark",
        "original_language: ru",
        "base: original",
        "illustrative: true",
        "summary: Made-up text written by benchmarks/generate.py; not an archival source.",
    ]
    if archives:
        lines.append("archival_refs:")
        for archive in archives:
            lines += [f"  - archive: {archive}", f"    fond: '{rng.randint(1, 600)}'", "    opis: '1'",
                      f"    delo: '{rng.randint(1, 999)}'", f"    listy: {rng.randint(1, 90)}-{rng.randint(91, 200)}"]
    return "\n".join(lines) + "\n"


def version_md(spec: VersionSpec, paragraphs: list[str]) -> str:
    front = [f"kind: {spec.kind}", f"language: {spec.language}", f"label: {spec.id} (synthetic)", "illustrative: true"]
    if spec.archive:
        front.append(f"archive: {spec.archive}")
    if spec.derived_from:
        front.append(f"derived_from: {spec.derived_from}")
    return "---\n" + "\n".join(front) + "\n---\n" + "\n\n".join(paragraphs) + "\n"


def document_id(index: int) -> str:
    return f"doc-{index + 1:05d}"


def document_files(seed: int, index: int, versions: int, paragraphs: int, same_language: bool) -> dict[str, str]:
    """File name -> text of one document; depends only on its arguments."""
    rng = random.Random(f"{seed}/{index}")
    specs = version_specs(versions, same_language)
    texts = document_texts(rng, paragraphs, specs)
    archives = [spec.archive for spec in specs if spec.archive]
    files = {"document.yaml": document_yaml(document_id(index), 10000 + index, rng, archives)}
    for spec in specs:
        files[f"{spec.id}.md"] = version_md(spec, texts[spec.id])
    return files


def generate(
    root: Path, documents: int, versions: int = 4, paragraphs: int = 20, seed: int = 1951,
    same_language: bool = False, start: int = 0,
) -> Path:
    """Write documents ``start .. start+documents-1`` under ``root``; return ``root``."""
    root = Path(root)
    for index in range(start, start + documents):
        folder = root / document_id(index)
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in document_files(seed, index, versions, paragraphs, same_language).items():
            (folder / name).write_bytes(text.encode("utf-8"))
    return root


def touch_one_file(root: Path, index: int = 0, version: str = "original") -> Path:
    """Change one word of one version of one document (the incremental-build benchmark); return the file."""
    path = Path(root) / document_id(index) / f"{version}.md"
    text = path.read_text(encoding="utf-8")
    marker = " (edited)" if " (edited)" not in text else " (edited again)"
    head, _, last = text.rstrip("\n").rpartition("\n\n")
    path.write_bytes((head + "\n\n" + last + marker + "\n").encode("utf-8"))
    return path


# --- witnesses for the collation benchmarks --------------------------------------------------------------------------

def witnesses(count: int, words: int, seed: int = 23256, language: str = "en",
              paragraph_edits: bool = True) -> list[list[str]]:
    """``count`` versions of one text of about ``words`` words each, as lists of paragraphs.

    The first is the base; the others are copies with word-level edits and (if ``paragraph_edits``) occasional
    splits, merges, omissions, insertions and moves, all in one language — the case CollateX handles.
    """
    rng = random.Random(f"witnesses/{seed}/{count}/{words}")
    base: list[list[Token]] = []
    total = 0
    while total < words:
        n = min(paragraph_length(rng), max(words - total, MIN_WORDS))
        base.append(abstract_paragraph(rng, n))
        total += n
    first = [render(p, language) for p in base]
    out = [first]
    for _ in range(count - 1):
        edited = [edit_words(rng, text, WORD_EDIT_RATE, language) for text in first]
        out.append(edit_paragraphs(rng, edited, language, PARAGRAPH_EDIT_RATE) if paragraph_edits else edited)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="corpus folder to write (created)")
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--versions", type=int, default=4)
    parser.add_argument("--paragraphs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1951)
    parser.add_argument("--same-language", action="store_true", help="all versions in Russian (no translations)")
    args = parser.parse_args(argv)
    generate(args.out, args.documents, args.versions, args.paragraphs, args.seed, args.same_language)
    count = sum(1 for _ in args.out.glob("*/*.md"))
    print(f"{args.out}: {args.documents} documents, {count} versions", file=sys.stderr)


if __name__ == "__main__":
    main()
