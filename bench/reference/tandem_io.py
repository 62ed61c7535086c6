# Loads a tandem model folder into the PyTorch reference: weights, vocabularies, tokenizers.
"""A model folder (src/io/model_dir.cc) holds config.yaml, model.safetensors, source.vocab,
target.vocab and, for SentencePiece sides, source.spm / target.spm. The safetensors file is
parsed by hand (Debian 12 packages no safetensors module): an 8-byte little-endian header
length, a JSON header {name: {dtype, shape, data_offsets}}, then the raw little-endian data.
Every tandem parameter is mapped onto exactly one PyTorch parameter with the same shape; an
unmapped name, a missing one or a shape mismatch is an error."""

import json
import os
import struct

import torch
import yaml

from seq2seq_model import Seq2Seq, check_supported, with_defaults
from text_data import Tokenizer, load_vocab


def read_safetensors(path):
    """name → float32 tensor, for a file of F32 tensors."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise SystemExit("%s: too short for a safetensors file" % path)
    n = struct.unpack("<Q", data[:8])[0]
    if 8 + n > len(data):
        raise SystemExit("%s: header length %d runs past the end of the file" % (path, n))
    try:
        header = json.loads(data[8:8 + n])
    except ValueError as e:
        raise SystemExit("%s: the header is not JSON (%s)" % (path, e))
    body = memoryview(data)[8 + n:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        count = 1
        for d in info["shape"]:
            count *= d
        if info["dtype"] != "F32" or end - begin != 4 * count or end > len(body):
            raise SystemExit("%s: tensor %s: dtype %s, shape %s, offsets %s do not make an F32 "
                             "tensor inside the file" % (path, name, info["dtype"], info["shape"],
                                                         info["data_offsets"]))
        tensors[name] = torch.frombuffer(bytearray(body[begin:end]), dtype=torch.float32
                                         ).reshape(info["shape"]) if count else torch.zeros(
                                             info["shape"])
    return tensors


def parameter_map(model):
    """PyTorch parameter name → tandem parameter name (None: LSTM's redundant bias_hh, zero)."""
    m = {"src_emb.weight": "encoder.embedding", "tgt_emb.weight": "decoder.embedding",
         "bridge_h.weight": "decoder.bridge.l0.h.W", "bridge_h.bias": "decoder.bridge.l0.h.b",
         "combine.weight": "decoder.combine.W",
         "out.weight": "decoder.output.W", "out.bias": "decoder.output.b"}
    if model.cell == "lstm":
        m["bridge_c.weight"] = "decoder.bridge.l0.c.W"
        m["bridge_c.bias"] = "decoder.bridge.l0.c.b"
    if model.attention == "bahdanau":
        m.update({"att_query.weight": "decoder.attention.query.W",
                  "att_key.weight": "decoder.attention.key.W",
                  "att_key.bias": "decoder.attention.key.b", "att_v": "decoder.attention.v"})
    elif model.attention == "luong-general":
        m["att_key.weight"] = "decoder.attention.key.W"
    # Both cells keep PyTorch's gate order (GRU r, z, n; LSTM i, f, g, o: kernels/cpu/*_cell.cc).
    cells = [("decoder.%s", "decoder.rnn.l0.%s")]
    for layer in range(model.enc_layers):
        for d, (suffix, tdir) in enumerate((("", "fwd"), ("_reverse", "bwd"))[:model.dirs]):
            cells.append(("encoder.%%s_l%d%s" % (layer, suffix),
                          "encoder.rnn.l%d.%s.%%s" % (layer, tdir)))
    for torch_name, tandem_name in cells:
        m[torch_name % "weight_ih"] = tandem_name % "W_ih"
        m[torch_name % "weight_hh"] = tandem_name % "W_hh"
        m[torch_name % "bias_ih"] = tandem_name % "b_ih"
        # GRU's reset gate needs b_hh apart; tandem's LSTM has only b_ih.
        m[torch_name % "bias_hh"] = tandem_name % "b_hh" if model.cell == "gru" else None
    return m


def load_weights(model, tensors, path):
    mapping = parameter_map(model)
    params = dict(model.named_parameters())
    errors = []
    missing = sorted(set(params) - set(mapping))
    if missing:
        errors.append("PyTorch parameters without a tandem source: " + ", ".join(missing))
    used = set()
    with torch.no_grad():
        for torch_name, tandem_name in mapping.items():
            p = params[torch_name]
            if tandem_name is None:
                p.zero_()
                continue
            if tandem_name not in tensors:
                errors.append("%s is missing (for %s)" % (tandem_name, torch_name))
                continue
            t = tensors[tandem_name]
            used.add(tandem_name)
            if tuple(t.shape) != tuple(p.shape):
                errors.append("%s has shape %s, %s needs %s" % (
                    tandem_name, list(t.shape), torch_name, list(p.shape)))
                continue
            p.copy_(t)
    unmapped = sorted(set(tensors) - used)
    if unmapped:
        errors.append("tandem parameters the reference does not use: " + ", ".join(unmapped))
    if errors:
        raise SystemExit("%s: cannot map the weights onto the PyTorch model:\n  %s" % (
            path, "\n  ".join(errors)))


def load_model_dir(directory):
    """→ (config with defaults, model with tandem's weights, (source, target) vocab dicts,
    (source, target) tokenizers)."""
    for name in ("config.yaml", "model.safetensors", "source.vocab", "target.vocab"):
        if not os.path.exists(os.path.join(directory, name)):
            raise SystemExit("%s has no %s (a model folder as tandem train writes it)" % (
                directory, name))
    config_path = os.path.join(directory, "config.yaml")
    cfg = with_defaults(yaml.safe_load(open(config_path, encoding="utf-8")))
    check_supported(cfg, config_path)
    vocabs = tuple(load_vocab(os.path.join(directory, side + ".vocab"))
                   for side in ("source", "target"))
    tokenizers = tuple(Tokenizer(cfg["data"][side + "_tokenizer"],
                                 os.path.join(directory, side + ".spm"))
                       for side in ("source", "target"))
    model = Seq2Seq(cfg, len(vocabs[0]), len(vocabs[1]))
    weights = os.path.join(directory, "model.safetensors")
    load_weights(model, read_safetensors(weights), weights)
    return cfg, model, vocabs, tokenizers
