"""A tiny Whisper model in CTranslate2's format, weights set by hand, that always says PHRASE.

No real Whisper weights can be fetched in tests, so this builds a model folder as
`ct2-transformers-converter` would lay it out (model.bin, config.json, vocabulary.json,
tokenizer.json) with a few kilobytes of numbers: every attention and feed-forward weight
is zero, so each decoder position sees only its own token; the output projection then maps
each token of the script below to the next one. Greedy or beam search, with timestamps or
without, the model says <|0.00|> " hello" " wor" "ld" <|END|> and stops. The real parts are
everything around the weights: CTranslate2's loader, encoder and decoder, its timestamp
rules and alignment heads, the byte-level BPE tokenizer, and faster-whisper on top.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

PHRASE = "hello world"
END = 2.0  # s: the end timestamp the model always gives
WORDS = ("Ġhello", "Ġwor", "ld")  # " wor" + "ld": one word from two tokens
SPECIALS = (
    "<|endoftext|>",
    "<|startoftranscript|>",
    "<|en|>",
    "<|translate|>",
    "<|transcribe|>",
    "<|startoflm|>",
    "<|startofprev|>",
    "<|nocaptions|>",
    "<|notimestamps|>",
)
TIMESTAMPS = tuple(f"<|{i * 0.02:.2f}|>" for i in range(1501))  # right after <|notimestamps|>
MERGES = (
    ("Ġ", "h"),
    ("Ġh", "e"),
    ("Ġhe", "l"),
    ("Ġhel", "l"),
    ("Ġhell", "o"),
    ("Ġ", "w"),
    ("Ġw", "o"),
    ("Ġwo", "r"),
    ("l", "d"),
)
WIDTH = 32  # d_model
HEADS = 2
FFN = 64
MELS = 80
SURE = 15.0  # logit of the scripted next token; every other token's is 0
# Where (s into the window) the cross-attention of the step that predicts each of
# " hello", " wor", "ld", <|endoftext|> looks; alignment puts word edges between them.
LOOKS = (0.3, 0.9, 1.3, 2.3)
FOCUS = 2000.0  # query length: how sharply each step looks there
FRAMES = 1500  # encoder positions, 20 ms each


def byte_alphabet() -> list[str]:
    """GPT-2's printable stand-in for each byte, in byte order (as byte-level BPE uses)."""
    keep = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1)]
    keep += range(ord("®"), ord("ÿ") + 1)
    extra = iter(range(256, 512))
    return [chr(b) if b in keep else chr(next(extra)) for b in range(256)]


def vocabulary() -> list[str]:
    """Tokens in id order: bytes, merges, Whisper's special tokens, then timestamps."""
    return [*byte_alphabet(), *(a + b for a, b in MERGES), *SPECIALS, *TIMESTAMPS]


def build(folder: Path) -> Path:
    """Writes the model into `folder` (made if missing) and returns it."""
    from ctranslate2.specs import whisper_spec

    folder.mkdir(parents=True, exist_ok=True)
    tokens = vocabulary()
    ids = {t: i for i, t in enumerate(tokens)}
    spec = whisper_spec.WhisperSpec(1, HEADS, 1, HEADS)
    _zero_encoder(spec.encoder)
    _scripted_decoder(spec.decoder, ids, len(tokens))
    spec.register_vocabulary(tokens)
    config = spec.config
    config.suppress_ids = []
    config.suppress_ids_begin = [ids["Ġ"], ids["<|endoftext|>"]]
    config.lang_ids = [ids["<|en|>"]]
    config.alignment_heads = [(0, h) for h in range(HEADS)]
    spec.validate()
    spec.optimize(quantization="float32")
    spec.save(str(folder))
    _write_tokenizer(folder / "tokenizer.json", tokens)
    return folder


def _script(ids: dict[str, int]) -> dict[int, int]:
    """Each token the model may see -> the token it answers with."""
    end = ids[f"<|{END:.2f}|>"]
    first, *rest = (ids[w] for w in WORDS)
    chain = [ids["<|startoftranscript|>"], ids["<|0.00|>"], first, *rest, end, ids["<|endoftext|>"]]
    script = dict(zip(chain, chain[1:], strict=False))
    script[ids["<|notimestamps|>"]] = first  # the no-timestamps prompt (alignment) skips <|0.00|>
    return script


def _zero(*shape: int) -> np.ndarray:
    return np.zeros(shape, np.float32)


def _norm(spec: object) -> None:
    spec.gamma = np.ones(WIDTH, np.float32)  # type: ignore[attr-defined]
    spec.beta = _zero(WIDTH)  # type: ignore[attr-defined]


def _linear(spec: object, rows: int, columns: int = WIDTH) -> None:
    spec.weight = _zero(rows, columns)  # type: ignore[attr-defined]
    spec.bias = _zero(rows)  # type: ignore[attr-defined]


def _layer(layer: object, cross: bool) -> None:
    attention = layer.self_attention  # type: ignore[attr-defined]
    _norm(attention.layer_norm)
    _linear(attention.linear[0], 3 * WIDTH)
    _linear(attention.linear[1], WIDTH)
    if cross:
        other = layer.attention  # type: ignore[attr-defined]
        _norm(other.layer_norm)
        _linear(other.linear[0], WIDTH)
        _linear(other.linear[1], 2 * WIDTH)
        _linear(other.linear[2], WIDTH)
    ffn = layer.ffn  # type: ignore[attr-defined]
    _norm(ffn.layer_norm)
    _linear(ffn.linear_0, FFN)
    _linear(ffn.linear_1, WIDTH, FFN)


def _zero_encoder(encoder: object) -> None:
    spec = encoder
    spec.conv1.weight = _zero(WIDTH, MELS, 3)  # type: ignore[attr-defined]
    spec.conv1.bias = _zero(WIDTH)  # type: ignore[attr-defined]
    spec.conv2.weight = _zero(WIDTH, WIDTH, 3)  # type: ignore[attr-defined]
    spec.conv2.bias = _zero(WIDTH)  # type: ignore[attr-defined]
    # Position t as the angle pi * t / FRAMES in dims 0-1 (and its negation in 2-3, so the
    # final layer norm keeps it: mean 0, the same variance everywhere).
    angle = np.pi * np.arange(FRAMES) / FRAMES
    encodings = _zero(FRAMES, WIDTH)
    encodings[:, 0], encodings[:, 1] = np.cos(angle), np.sin(angle)
    encodings[:, 2], encodings[:, 3] = -encodings[:, 0], -encodings[:, 1]
    spec.position_encodings.encodings = encodings  # type: ignore[attr-defined]
    _norm(spec.layer_norm)  # type: ignore[attr-defined]
    for layer in spec.layer:  # type: ignore[attr-defined]
        _layer(layer, cross=False)


def _scripted_decoder(decoder: object, ids: dict[str, int], size: int) -> None:
    """Token t embeds as e_2k - e_2k+1 (k its place in the script), which the final layer
    norm keeps as a unit direction of its own; the projection maps that direction to the
    logit SURE on the token that follows t. Tokens outside the script embed as zero."""
    spec = decoder
    script = _script(ids)
    if 2 * len(script) > WIDTH:
        raise ValueError("the script needs more width")
    embeddings = _zero(size, WIDTH)
    projection = _zero(size, WIDTH)
    for k, (token, following) in enumerate(script.items()):
        embeddings[token, 2 * k], embeddings[token, 2 * k + 1] = 1.0, -1.0
        normed = (embeddings[token] - embeddings[token].mean()) / embeddings[token].std()
        projection[following] += SURE * normed / float(normed @ normed)
    spec.embeddings.weight = embeddings  # type: ignore[attr-defined]
    spec.position_encodings.encodings = _zero(448, WIDTH)  # type: ignore[attr-defined]
    _norm(spec.layer_norm)  # type: ignore[attr-defined]
    spec.projection.weight = projection  # type: ignore[attr-defined]
    spec.projection.bias = _zero(size)  # type: ignore[attr-defined]
    for layer in spec.layer:  # type: ignore[attr-defined]
        _layer(layer, cross=True)
        _looking(layer.attention, ids, embeddings)


def _looking(attention: object, ids: dict[str, int], embeddings: np.ndarray) -> None:
    """Cross-attention whose keys are the encoder's position angle and whose query, for
    the step before each word piece, points at that piece's LOOKS time; values stay zero,
    so what the decoder says does not change, only the alignment it yields."""
    first, *rest = (ids[w] for w in WORDS)
    steps = [ids["<|notimestamps|>"], first, *rest]  # each predicts the next piece (or EOT)
    head = WIDTH // HEADS
    query = attention.linear[0].weight  # type: ignore[attr-defined]
    keys = attention.linear[1].weight  # type: ignore[attr-defined]
    scale = np.sqrt(WIDTH / 2)  # the encoder's layer norm output: 4 * (cos, sin) here
    for h in range(HEADS):
        keys[h * head, 0] = keys[h * head + 1, 1] = np.sqrt(head) / scale
    for token, look in zip(steps, LOOKS, strict=True):
        normed = (embeddings[token] - embeddings[token].mean()) / embeddings[token].std()
        angle = np.pi * (look / 0.02) / FRAMES
        for h in range(HEADS):
            query[h * head] += FOCUS * np.cos(angle) * normed / float(normed @ normed)
            query[h * head + 1] += FOCUS * np.sin(angle) * normed / float(normed @ normed)


def _write_tokenizer(path: Path, tokens: list[str]) -> None:
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

    plain = len(byte_alphabet()) + len(MERGES)
    bpe = models.BPE(vocab={t: i for i, t in enumerate(tokens[:plain])}, merges=list(MERGES))
    tokenizer = Tokenizer(bpe)
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.add_special_tokens([AddedToken(t, special=True) for t in tokens[plain:]])
    for i, token in enumerate(tokens[plain:], plain):  # ids as the model numbers them
        if tokenizer.token_to_id(token) != i:
            raise AssertionError(f"{token} got id {tokenizer.token_to_id(token)}, not {i}")
    tokenizer.save(str(path))
    json.loads(path.read_text())  # written whole
