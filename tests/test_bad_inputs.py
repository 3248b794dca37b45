"""One shared battery of bad inputs for every public seqlab helper (like scikit-learn's
``check_estimator``): each row calls a helper with one wrong argument and names the exception
type and a fragment the message must contain (the argument, and what was expected).

Every exception must also be a ``TypeError`` or a ``ValueError``, so that
``except (TypeError, ValueError)`` catches all of them (the one exception: using a ``Scaler`` or
``LinearAR`` before ``fit`` is a ``RuntimeError``, a wrong order of calls rather than a wrong input;
chapter 6 shows that error). Cheap: it runs in ``make test-fast``.
(``masked_cross_entropy`` and ``seqlab.checks`` have their own tests.)
"""
from __future__ import annotations

import math
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch
from torch import nn

from seqlab import attention as A
from seqlab import data as D
from seqlab import korean as K
from seqlab import lm as LM
from seqlab import models as M
from seqlab import ngram as NG
from seqlab import numbers as NUM
from seqlab import repro as R
from seqlab import seq2seq as S2S
from seqlab import tasks as TK
from seqlab import timeseries as TS
from seqlab import train as TR
from seqlab import reading as RD
from seqlab import validation as V
from seqlab import viz as VZ

G = torch.Generator


def _vocab():
    return D.build_vocab([["a", "b"]], sos_eos=True)


def _enc():
    torch.manual_seed(0)
    return S2S.GRUEncoder(8, d_w=4, d_h=6)


def _dec():
    torch.manual_seed(0)
    return S2S.GRUDecoder(9, d_w=4, d_h=6)


def _model(dec=None):
    return S2S.EncoderDecoder(_enc(), dec or _dec())


SRC = torch.tensor([[4, 5, 6], [7, 4, 0]])  # (B=2, S=3)
SRC_LEN = torch.tensor([3, 2])
TGT = torch.tensor([[2, 4], [2, 5]])  # (B=2, T=2)
LOGITS = torch.zeros(2, 3, 5)
SERIES = np.arange(20.0)
WINDOWS = np.zeros((4, 3, 2))


def _state(B=2, S=3, d=6):
    return _dec().init_state(torch.zeros(B, S, d), torch.zeros(B, d), torch.ones(B, S, dtype=torch.bool))


BAD = [
    # ---------------------------------------------------------------- data
    ("Vocab-itos-str", lambda: D.Vocab("<pad>ab"), TypeError, 'itos에는 문자열 토큰의 리스트가 와야 합니다'),
    ("Vocab-itos-int", lambda: D.Vocab(["<pad>", 3]), TypeError, 'itos에는 문자열 토큰의 리스트가 와야 합니다'),
    ("Vocab.encode-str", lambda: _vocab().encode("a b"), TypeError, 'tokens에는 문자열 토큰의 리스트가 와야 합니다'),
    ("Vocab.encode-int-token", lambda: _vocab().encode([1, 2]), TypeError, 'tokens에는 문자열 토큰의 리스트가 와야 합니다'),
    ("Vocab.encode-unknown", lambda: D.build_vocab([["a"]], unk=False).encode(["z"]), KeyError, r"토큰 'z'는 어휘\(vocabulary\)에 없고, 대신 쓸 <unk> 토큰도 어휘에 없습니다"),
    ("Vocab.decode-float", lambda: _vocab().decode([1.7]), TypeError, r"ids의 항목 \[0\]에는 정수\(int\) 토큰 id가 와야 합니다"),
    ("Vocab.decode-float-tensor", lambda: _vocab().decode(torch.tensor([1.7, 2.0])), TypeError, r"ids에는 정수 토큰 id의 1차원 시퀀스\(int의 list나 1차원 정수 텐서\)가 와야 합니다"),
    ("Vocab.decode-2d", lambda: _vocab().decode(torch.tensor([[1, 2]])), ValueError, r"ids에는 정수 토큰 id의 1차원 시퀀스\(int의 list나 1차원 정수 텐서\)가 와야 합니다"),
    ("Vocab.decode-str", lambda: _vocab().decode("12"), TypeError, r"ids에는 정수 토큰 id의 1차원 시퀀스\(int의 list나 1차원 정수 텐서\)가 와야 합니다"),
    ("Vocab.decode-range", lambda: _vocab().decode([99]), IndexError, r"ids의 항목 \[0\] = 99: id는 어휘 범위 0\.\.5 안에 있어야 합니다\(어휘 크기 6\)"),
    ("Vocab.decode-skip_pad", lambda: _vocab().decode([1], skip_pad="no"), TypeError, r"skip_pad에는 True 또는 False\(bool\)가 와야 합니다"),
    ("build_vocab-str", lambda: D.build_vocab("a b c"), TypeError, r"sentences에는 토큰으로 나눈 문장들\(토큰 리스트의 리스트\)이 와야 합니다"),
    ("build_vocab-flat", lambda: D.build_vocab(["a b"]), TypeError, r"sentences의 문장 \[0\]에는 토큰의 리스트가 와야 합니다"),
    ("build_vocab-min_freq", lambda: D.build_vocab([["a"]], min_freq=0), ValueError, "min_freq"),
    ("build_vocab-unk", lambda: D.build_vocab([["a"]], unk="yes"), TypeError, r"unk에는 True 또는 False\(bool\)가 와야 합니다"),
    ("pad_sequences-flat", lambda: D.pad_sequences([1, 2, 3]), TypeError, r"seqs에는 정수 id 시퀀스들의 리스트\(예: \[\[5, 2, 7\], \[4, 1\]\]\)가 와야 합니다"),
    ("pad_sequences-float", lambda: D.pad_sequences([[1.0, 2.0]]), TypeError, r"seqs의 시퀀스 \[0\]: 토큰 id는 정수\(int\)여야 합니다"),
    ("pad_sequences-str", lambda: D.pad_sequences("123"), TypeError, r"seqs에는 정수 id 시퀀스들의 리스트\(예: \[\[5, 2, 7\], \[4, 1\]\]\)가 와야 합니다"),
    ("pad_sequences-empty", lambda: D.pad_sequences([]), ValueError, r"seqs에 시퀀스가 하나도 없습니다\(빈 배치\)"),
    ("pad_sequences-empty-seq", lambda: D.pad_sequences([[1], []]), ValueError, r"seqs의 시퀀스 \[1\]에 토큰이 하나도 없습니다"),
    ("pad_sequences-pad_id", lambda: D.pad_sequences([[1]], pad_id=0.0), TypeError, r"pad_id에는 정수\(int\)가 와야 합니다"),
    ("pad_sequences-max_len", lambda: D.pad_sequences([[1]], max_len=0), ValueError, "max_len"),
    ("pad_sequences-batch_first", lambda: D.pad_sequences([[1]], batch_first="yes"), TypeError, "batch_first"),
    ("pad_sequences-nested", lambda: D.pad_sequences([[[1, 2]]]), TypeError, r"seqs의 시퀀스 \[0\]: 토큰 id는 정수\(int\)여야 합니다"),
    ("sort_by_length-str", lambda: D.sort_by_length("321"), TypeError, r"lengths에는 정수 길이들의 1차원 텐서나 리스트\(모양 \(B,\)\)가 와야 합니다"),
    ("sort_by_length-float", lambda: D.sort_by_length([2.0, 1.0]), TypeError, r"lengths의 항목 \[0\]에는 정수\(int\)가 와야 합니다"),
    ("sort_by_length-zero", lambda: D.sort_by_length([2, 0]), ValueError, 'lengths의 길이는 모두 1 이상이어야 합니다'),
    ("sort_by_length-empty", lambda: D.sort_by_length([]), ValueError, 'lengths에 길이가 하나도 없습니다'),
    ("sort_by_length-nested", lambda: D.sort_by_length([[1, 2]]), ValueError, r"lengths의 모양은 1차원 \(B,\)이어야 합니다"),
    ("sort_by_length-descending", lambda: D.sort_by_length([1], descending=1), TypeError, "descending"),
    ("lengths_to_mask-float-tensor", lambda: D.lengths_to_mask(torch.tensor([1.5])), TypeError, r"lengths에는 정수\(torch\.long\)가 와야 합니다"),
    ("lengths_to_mask-max_len", lambda: D.lengths_to_mask([3], max_len=2), ValueError, r"max_len에는 lengths의 가장 긴 길이\(3\) 이상의 정수가 와야 합니다"),
    ("lengths_to_mask-max_len-float", lambda: D.lengths_to_mask([3], max_len=3.0), TypeError, "max_len"),
    ("lengths_to_mask-numpy-float", lambda: D.lengths_to_mask(np.array([1.0])), TypeError, r"lengths에는 정수\(torch\.long\)가 와야 합니다"),
    ("check_padded_batch-float", lambda: D.check_padded_batch(torch.zeros(1, 2), [2]), TypeError, "LongTensor"),
    ("check_padded_batch-B", lambda: D.check_padded_batch(torch.ones(2, 3, dtype=torch.long), [3]), ValueError,
     "batch_first"),
    ("check_padded_batch-list", lambda: D.check_padded_batch([[1]], [1]), TypeError, "torch.Tensor"),
    ("packed_batch_sizes-float", lambda: D.packed_batch_sizes([1.5]), TypeError, r"lengths의 항목 \[0\]에는 정수\(int\)가 와야 합니다"),
    # ---------------------------------------------------------------- models
    ("ScratchRNNCell-size", lambda: M.ScratchRNNCell(0, 3), ValueError, r"input_size에는 1 이상의 정수\(int\)가 와야 합니다"),
    ("ScratchRNNCell-float", lambda: M.ScratchRNNCell(2.0, 3), TypeError, r"input_size에는 1 이상의 정수\(int\)가 와야 합니다"),
    ("ScratchRNNCell-x", lambda: M.ScratchRNNCell(2, 3)(torch.zeros(1, 4), torch.zeros(1, 3)), ValueError,
     r"x의 모양\(shape\)이 맞지 않습니다"),
    ("ScratchRNNCell-h", lambda: M.ScratchRNNCell(2, 3)(torch.zeros(1, 2), torch.zeros(2, 3)), ValueError,
     r"h의 모양\(shape\)이 맞지 않습니다"),
    ("ScratchRNNCell-int-x", lambda: M.ScratchRNNCell(2, 3)(torch.zeros(1, 2, dtype=torch.long),
                                                             torch.zeros(1, 3)), TypeError, "float"),
    ("ScratchRNNCell-empty", lambda: M.ScratchRNNCell(2, 3)(torch.zeros(0, 2), torch.zeros(0, 3)), ValueError,
     r"x의 배치가 비어 있습니다\(모양 \(0, 2\)\)"),
    ("ScratchLSTMCell-state", lambda: M.ScratchLSTMCell(2, 3)(torch.zeros(1, 2), torch.zeros(1, 3)), TypeError,
     r"state에는 모양 \(B, 3\)인 텐서 두 개의 튜플 \(h, c\)이 와야 합니다"),
    ("ScratchLSTMCell-c", lambda: M.ScratchLSTMCell(2, 3)(torch.zeros(1, 2), (torch.zeros(1, 3), torch.zeros(1, 4))),
     ValueError, r"c의 모양\(shape\)은 h의 모양 \(1, 3\)과 같아야 합니다"),
    ("ScratchGRUCell-h-type", lambda: M.ScratchGRUCell(2, 3)(torch.zeros(1, 2), [0, 0, 0]), TypeError,
     r"h에는 모양 \(B, 3\)인 텐서\(torch\.Tensor\)가 와야 합니다"),
    ("unroll-cell", lambda: M.unroll(nn.Linear(2, 2), torch.zeros(1, 2, 2)), TypeError, r"cell에는 순환 셀 모듈\(nn\.RNNCell, ScratchRNNCell 등\)이 와야 합니다"),
    ("unroll-x-2d", lambda: M.unroll(M.ScratchRNNCell(2, 3), torch.zeros(2, 2)), ValueError, r"x에는 3차원 텐서가 와야 합니다\(모양 \(B, L, d_in\)\(batch_first\) 또는 \(L, B, d_in\)\)"),
    ("unroll-d_in", lambda: M.unroll(M.ScratchRNNCell(2, 3), torch.zeros(1, 4, 5)), ValueError, "d_in"),
    ("unroll-empty", lambda: M.unroll(M.ScratchRNNCell(2, 3), torch.zeros(1, 0, 2)), ValueError, r"x에 원소가 없습니다\(모양 \(1, 0, 2\)\)"),
    ("last_real_state-str", lambda: M.last_real_state(torch.zeros(2, 3, 4), "32"), TypeError, r"lengths에는 정수 길이들의 1차원 텐서나 리스트\(모양 \(B,\)\)가 와야 합니다"),
    ("last_real_state-B", lambda: M.last_real_state(torch.zeros(2, 3, 4), [1, 2, 3]), ValueError, "batch_first"),
    ("last_real_state-L", lambda: M.last_real_state(torch.zeros(2, 3, 4), [1, 4]), ValueError, r"lengths의 길이는 1 이상 L=3\(outputs의 길이\) 이하여야 합니다"),
    ("make_rnn-kind", lambda: M.make_rnn("transformer", 2, 3), ValueError, "kind에는 'gru', 'lstm', 'rnn' 중 하나가 와야 합니다"),
    ("make_rnn-kind-type", lambda: M.make_rnn(["gru"], 2, 3), ValueError, "kind에는 'gru', 'lstm', 'rnn' 중 하나가 와야 합니다"),
    ("SequenceClassifier-kind", lambda: M.SequenceClassifier(5, 2, kind="cnn"), ValueError, "kind"),
    ("SequenceClassifier-pad", lambda: M.SequenceClassifier(5, 2, pad_id=5), ValueError, "pad_id"),
    ("SequenceClassifier-ids", lambda: M.SequenceClassifier(5, 2)(torch.tensor([[1, 9]]), [2]), ValueError,
     r"batch의 토큰 id는 0\.\.vocab_size\-1 = 0\.\.4 범위에 있어야 합니다"),
    ("SequenceClassifier-float-lengths",
     lambda: M.SequenceClassifier(5, 2)(torch.tensor([[1, 2]]), torch.tensor([1.5])), TypeError, r"lengths에는 정수\(torch\.long\)가 와야 합니다"),
    ("SequenceClassifier-str-lengths", lambda: M.SequenceClassifier(5, 2)(torch.tensor([[1, 2]]), "2"), TypeError,
     r"lengths에는 정수 길이들의 1차원 텐서나 리스트\(모양 \(B,\)\)가 와야 합니다"),
    ("SequenceClassifier-B", lambda: M.SequenceClassifier(5, 2)(torch.tensor([[1, 2]]), [2, 2]), ValueError,
     r"\(B,\) = \(1,\)"),
    ("SequenceClassifier-empty", lambda: M.SequenceClassifier(5, 2)(torch.zeros(0, 3, dtype=torch.long), [1]),
     ValueError, r"batch에 원소가 없습니다\(모양 \(0, 3\)\)"),
    ("SequenceTagger-bidirectional", lambda: M.SequenceTagger(5, 2, bidirectional=True)(torch.tensor([[1]])),
     ValueError, r"양방향\(bidirectional=True\) 모델에는 lengths 인자가 필요합니다"),
    # ---------------------------------------------------------------- lm
    ("RecurrentLM-vocab", lambda: LM.RecurrentLM(1), ValueError, "vocab_size"),
    ("RecurrentLM-kind", lambda: LM.RecurrentLM(5, kind="cnn"), ValueError, "kind"),
    ("RecurrentLM-dropout", lambda: LM.RecurrentLM(5, dropout=1.0), ValueError, "dropout"),
    ("RecurrentLM-dropout-one-layer", lambda: LM.RecurrentLM(5, dropout=0.2), ValueError, r"num_layers=1에서는 dropout=0\.2의 효과가 없습니다"),
    ("RecurrentLM-dropout-str", lambda: LM.RecurrentLM(5, dropout="0.1"), TypeError, "dropout"),
    ("RecurrentLM-idx", lambda: LM.RecurrentLM(5, 4, 4)(torch.tensor([[1, 5]])), ValueError, r"idx의 토큰 id는 모두 어휘 범위 \[0, vocab_size=5\) 안에 있어야 합니다"),
    ("RecurrentLM-state-int", lambda: LM.RecurrentLM(5, 4, 4)(torch.ones(1, 2, dtype=torch.long),
                                                             torch.zeros(1, 1, 4, dtype=torch.long)), TypeError,
     "float"),
    ("next_token_probs-nan", lambda: LM.next_token_probs(torch.tensor([0.0, math.nan])), ValueError, "NaN"),
    ("next_token_probs-all-neg-inf", lambda: LM.next_token_probs(torch.full((3,), -math.inf)), ValueError,
     r"logits의 어떤 행은 모든 값이 \-inf여서 확률을 받을 토큰이 하나도 없습니다"),
    ("next_token_probs-temp-str", lambda: LM.next_token_probs(torch.zeros(3), "1"), ValueError, "temperature"),
    ("next_token_probs-top_k", lambda: LM.next_token_probs(torch.zeros(3), top_k=4), ValueError, "top_k"),
    ("generate-eos", lambda: LM.generate(LM.RecurrentLM(5, 4, 4), [1], 2, eos_id=5), ValueError, "eos_id"),
    ("generate-eos-neg", lambda: LM.generate(LM.RecurrentLM(5, 4, 4), [1], 2, eos_id=-1), ValueError, "eos_id"),
    ("generate-prefix-range", lambda: LM.generate(LM.RecurrentLM(5, 4, 4), [7], 2), ValueError, r"prefix의 항목 \[0\] = 7: id는 어휘 범위 \[0, vocab_size=5\) 안에 있어야 합니다"),
    ("generate-prefix-flat-str", lambda: LM.generate(LM.RecurrentLM(5, 4, 4), "12", 2), TypeError, "encode"),
    ("generate-model", lambda: LM.generate("model", [1], 2), TypeError, "nn.Module"),
    ("generate-greedy", lambda: LM.generate(LM.RecurrentLM(5, 4, 4), [1], 2, greedy=1), TypeError, "greedy"),
    ("bits_per_token-neg", lambda: LM.bits_per_token(-1.0), ValueError, "loss"),
    ("bits_per_token-nan", lambda: LM.bits_per_token(np.float32("nan")), ValueError, "loss"),
    ("perplexity-vector", lambda: LM.perplexity(torch.ones(3)), ValueError, r"loss에는 수 하나\(nats 단위의 평균 교차 엔트로피\)가 와야 합니다"),
    ("bptt_batches-2d", lambda: LM.bptt_batches(torch.zeros(2, 3, dtype=torch.long), 1, 2), TypeError, r"ids에는 모양 \(N,\)인 1차원 정수 텐서가 와야 합니다"),
    ("bptt_batches-floats", lambda: LM.bptt_batches([1.0, 2.0, 3.0], 1, 2), TypeError, r"ids의 항목 \[0\]에는 정수\(int\) 토큰 id가 와야 합니다"),
    ("detach_state-list", lambda: LM.detach_state([torch.zeros(1)]), TypeError, 'state에는 텐서, 텐서의 튜플 또는 None이 와야 합니다'),
    ("detach_state-tuple-of-str", lambda: LM.detach_state(("h", "c")), TypeError, 'state에는 텐서, 텐서의 튜플 또는 None이 와야 합니다'),
    ("train_lm-lr0", lambda: LM.train_lm(LM.RecurrentLM(5, 4, 4), [1, 2, 3, 4] * 5, steps=1, lr=0), ValueError,
     'lr에는 0보다 큰 유한한 실수가 와야 합니다'),
    ("train_lm-clip-True", lambda: LM.train_lm(LM.RecurrentLM(5, 4, 4), [1, 2, 3] * 5, steps=1, clip=True),
     TypeError, "clip"),
    ("train_lm-steps", lambda: LM.train_lm(LM.RecurrentLM(5, 4, 4), [1, 2, 3] * 5, steps=0), ValueError, "steps"),
    ("evaluate_lm-no-parameters", lambda: LM.evaluate_lm(nn.ReLU(), [1, 2, 3]), TypeError, r"model에는 RecurrentLM처럼 forward\(idx, state\) \-> \(logits, state\)인, 매개변수가 있"),
    ("generate-no-parameters", lambda: LM.generate(nn.ReLU(), [1], 2), TypeError, r"model에는 RecurrentLM처럼 forward\(idx, state\) \-> \(logits, state\)인, 매개변수가 있"),
    ("evaluate_lm-model", lambda: LM.evaluate_lm(None, [1, 2, 3]), TypeError, "nn.Module"),
    # ---------------------------------------------------------------- korean
    ("split_by_position-frac", lambda: K.split_by_position("abcdef", 1.5), ValueError, "val_fraction"),
    ("split_by_position-short", lambda: K.split_by_position("a", 0.5), ValueError, 'seq의 항목 1개는 나누기에 너무 적습니다'),
    ("split_by_position-int", lambda: K.split_by_position(123), TypeError, r"seq에는 문자열\(str\)이나 id의 시퀀스가 와야 합니다"),
    ("to_jamo-bytes", lambda: K.to_jamo(b"abc"), TypeError, r"text에는 문자열\(str\)이 와야 합니다"),
    ("from_jamo-invalid", lambda: K.from_jamo("\u1100"), ValueError, r"text의 위치 0에 있는 자모 'ᄀ'\(U\+1100\): 음절을 이룰 수 없습니다\(이런 자모가 모두 1개\)"),
    ("from_jamo-strict", lambda: K.from_jamo("a", strict="no"), TypeError, "strict"),
    ("invalid_jamo_positions-int", lambda: K.invalid_jamo_positions(3), TypeError, r"text에는 문자열\(str\)이 와야 합니다"),
    ("is_hangul_syllable-two", lambda: K.is_hangul_syllable("가나"), TypeError, 'ch에는 글자 하나인 문자열이 와야 합니다'),
    # ---------------------------------------------------------------- timeseries
    ("load_msft-start-int", lambda: TS.load_msft(start=2010), TypeError, r"start에는 'YYYY\-MM\-DD' 형식의 날짜 또는 None이 와야 합니다"),
    ("load_msft-end-bad", lambda: TS.load_msft(end="yesterday-ish"), ValueError, r"end에는 'YYYY\-MM\-DD' 형식의 날짜 또는 None이 와야 합니다"),
    ("LinearAR-predict-unfitted", lambda: TS.LinearAR().predict(WINDOWS), RuntimeError, r"아직 맞추지\(fit\) 않은 LinearAR입니다"),
    ("LinearAR-predict-shape", lambda: TS.LinearAR().fit(WINDOWS, np.zeros(4)).predict(np.zeros((2, 4, 2))),
     ValueError, r"X에는 fit 때와 같은 모양 \(N, 3, 2\)인 창이 와야 합니다"),
    ("split_points-short", lambda: TS.split_points(2), ValueError, "length"),
    ("split_points-frac", lambda: TS.split_points(100, train=1.2), ValueError, r"train에는 \(0, 1\) 구간의 비율이 와야 합니다"),
    ("make_windows-str", lambda: TS.make_windows("123", 2), TypeError, "series"),
    ("make_windows-nan", lambda: TS.make_windows([1.0, math.nan, 2.0, 3.0], 2), ValueError, "NaN"),
    ("make_windows-window-float", lambda: TS.make_windows(SERIES, 2.0), TypeError, r"window에는 1 이상의 정수\(int\)가 와야 합니다"),
    ("make_windows-too-long", lambda: TS.make_windows(SERIES, 20), ValueError, r"창 하나에 window \+ horizon = 20 \+ 1개의 값이 필요한데 시계열의 길이는 L=20입니다"),
    ("make_windows-target", lambda: TS.make_windows(SERIES, 2, target=3), IndexError, r"target=3: 열 번호는 특성\(feature\)이 F=1개인 시계열의 범위 \[\-1, 1\) 안에 있어야 합니다"),
    ("make_windows-stop", lambda: TS.make_windows(SERIES, 2, stop=30), ValueError, r"stop에는 0 이상 L=20\(시계열의 길이\) 이하의 정수가 와야 합니다"),
    ("Scaler-method", lambda: TS.Scaler("robust"), ValueError, "method"),
    ("Scaler-unfitted", lambda: TS.Scaler().transform([1.0]), RuntimeError, r"아직 맞추지\(fit\) 않은 Scaler입니다"),
    ("Scaler-features", lambda: TS.Scaler().fit(np.zeros((5, 2))).transform(np.zeros(3)), ValueError, r"values에는 마지막 축에 특성\(feature\) 2개가 있는 배열\(모양 \(\.\.\., 2\)\)이 와야 합니다"),
    ("Scaler-column", lambda: TS.Scaler().fit(np.zeros((5, 2))).transform(np.zeros(3), column=4), IndexError,
     r"column=4: 열 번호는 특성 2개의 범위 \[\-2, 2\) 안에 있어야 합니다"),
    ("persistence-2d", lambda: TS.persistence(np.zeros((3, 2))), ValueError, r"\(N, T, F\)"),
    ("persistence-target", lambda: TS.persistence(WINDOWS, target=5), IndexError, r"target=5: 열 번호는 특성\(feature\)이 F=2개인 창의 범위 \[\-2, 2\) 안에 있어야 합니다"),
    ("persistence-empty", lambda: TS.persistence(np.zeros((0, 3, 2))), ValueError, r"X에 원소가 없습니다\(모양 \(0, 3, 2\)\)"),
    ("seasonal_naive-season", lambda: TS.seasonal_naive(WINDOWS, 4), ValueError, 'season에는 창의 길이 T=3 이하의 정수가 와야 합니다'),
    ("LinearAR-rows", lambda: TS.LinearAR().fit(WINDOWS, np.zeros(3)), ValueError, 'y에는 X의 창 수와 같은 N=4개의 행이 와야 합니다'),
    ("mae-shape", lambda: TS.mae([1.0, 2.0], [1.0]), ValueError, 'y_true의 모양과 y_pred의 모양이 같아야 합니다'),
    ("rmse-str", lambda: TS.rmse("12", "12"), TypeError, "y_true"),
    ("mase-season", lambda: TS.mase([1.0], [1.0], [1.0, 2.0], season=2), ValueError, 'train에는 season=2보다 긴 시계열이 와야 합니다'),
    # ---------------------------------------------------------------- train
    ("fit-model", lambda: TR.fit("m", lambda s: (0, 0), None, steps=1, clip=None), TypeError, "nn.Module"),
    ("fit-clip-True", lambda: TR.fit(nn.Linear(1, 1), lambda s: (0, 0), nn.MSELoss(), steps=1, clip=True),
     TypeError, "clip"),
    ("fit-lr0", lambda: TR.fit(nn.Linear(1, 1), lambda s: (0, 0), nn.MSELoss(), steps=1, clip=None, lr=0),
     ValueError, "lr"),
    ("fit-steps-float", lambda: TR.fit(nn.Linear(1, 1), lambda s: (0, 0), nn.MSELoss(), steps=2.0, clip=None),
     TypeError, r"steps에는 1 이상의 정수\(int\)가 와야 합니다"),
    ("accuracy-float-target", lambda: TR.accuracy(torch.zeros(2, 3), torch.zeros(2)), TypeError, r"target의 자료형\(dtype\)은 정수형 클래스 id\(예: torch\.long\)여야 합니다"),
    ("accuracy-shape", lambda: TR.accuracy(torch.zeros(2, 3), torch.zeros(3, dtype=torch.long)), ValueError,
     r"logits의 모양\(shape\)이 target의 모양과 맞지 않습니다"),
    ("accuracy-all-ignored", lambda: TR.accuracy(torch.zeros(2, 3), torch.full((2,), -100)), ValueError,
     "ignore_index"),
    ("set_remember_bias-rnn", lambda: TR.set_remember_bias(nn.RNN(2, 3), 1.0), TypeError, r"rnn에는 nn\.LSTM 또는 nn\.GRU 모듈이 와야 합니다"),
    ("set_remember_bias-no-bias", lambda: TR.set_remember_bias(nn.LSTM(2, 3, bias=False), 1.0), ValueError,
     "bias=False"),
    ("set_remember_bias-nan", lambda: TR.set_remember_bias(nn.GRU(2, 3), math.nan), ValueError, "value"),
    ("count_parameters-str", lambda: TR.count_parameters("m"), TypeError, "nn.Module"),
    ("long_dependency-lengths", lambda: TR.long_dependency_experiment("rnn", "35", clip=None), TypeError,
     'lengths에는 정수 길이들의 비어 있지 않은 리스트가 와야 합니다'),
    ("long_dependency-lr", lambda: TR.long_dependency_experiment("rnn", [3], clip=None, lr=-1.0), ValueError,
     "lr"),
    # ---------------------------------------------------------------- tasks
    ("majority_task-gen", lambda: TK.majority_task(3), ValueError, "torch.Generator"),
    ("majority_task-vocab", lambda: TK.majority_task(3, vocab_size=2, generator=G()), ValueError, "vocab_size"),
    ("majority_task-lens", lambda: TK.majority_task(3, min_len=5, max_len=2, generator=G()), ValueError,
     "min_len <= max_len"),
    ("running_majority_task-ignore", lambda: TK.running_majority_task(3, generator=G(), ignore_index=1),
     ValueError, r"ignore_index에는 진짜 레이블\(0 또는 1\)이 아닌 정수\(보통 \-100\)가 와야 합니다"),
    ("first_token_task-length", lambda: TK.first_token_task(3, 0, generator=G()), ValueError, "length"),
    # ---------------------------------------------------------------- numbers
    ("read_korean-neg", lambda: NUM.read_korean(-5), ValueError, r"n에는 0 이상의 정수\(int\)가 와야 합니다"),
    ("read_korean-float", lambda: NUM.read_korean(5.0), TypeError, r"n에는 0 이상의 정수\(int\) 또는 숫자 문자열\(예: '30521'\)이 와야 합니다"),
    ("read_korean-lead0", lambda: NUM.read_korean("007"), ValueError, "n='007': 맨 앞에 0이 있습니다"),
    ("read_korean-arabic", lambda: NUM.read_korean("١٢"), ValueError, 'n에는 숫자 0–9로만 된 비어 있지 않은 문자열이 와야 합니다'),
    ("read_korean-long", lambda: NUM.read_korean("1" * 17), ValueError, 'n의 자릿수가 17입니다'),
    ("number_split-abc", lambda: NUM.number_split("abc"), ValueError, 'digits에는 숫자 0–9로만 된 비어 있지 않은 문자열이 와야 합니다'),
    ("number_split-empty", lambda: NUM.number_split(""), ValueError, 'digits에는 숫자 0–9로만 된 비어 있지 않은 문자열이 와야 합니다'),
    ("number_split-lead0", lambda: NUM.number_split("007"), ValueError, "digits='007': 맨 앞에 0이 있습니다"),
    ("number_split-arabic", lambda: NUM.number_split("١٢٣"), ValueError, 'digits에는 숫자 0–9로만 된 비어 있지 않은 문자열이 와야 합니다'),
    ("number_split-int", lambda: NUM.number_split(7), TypeError, r"digits에는 숫자 문자열\(str\)이 와야 합니다"),
    ("number_split-percent", lambda: NUM.number_split("7", val_percent=60, test_percent=50), ValueError,
     r"훈련 부분이 남으려면 val_percent \+ test_percent의 값이 100보다 작아야 합니다"),
    ("sample_numbers-split", lambda: NUM.sample_numbers(3, "dev"), ValueError, "split"),
    ("sample_numbers-count", lambda: NUM.sample_numbers(0, "train"), ValueError, "count"),
    ("sample_numbers-seed", lambda: NUM.sample_numbers(3, "train", seed=1.5), TypeError, "seed"),
    ("number_pairs-str", lambda: NUM.number_pairs("123"), TypeError, r"numbers에는 숫자 문자열의 리스트\(예: \['30521', '7'\]\)가 와야 합니다"),
    ("number_pairs-int", lambda: NUM.number_pairs([123]), TypeError, r"numbers\[0\]에는 숫자 문자열\(str\)이 와야 합니다"),
    ("number_pairs-bad", lambda: NUM.number_pairs(["12a"]), ValueError, r"numbers\[0\]에는 숫자 0–9로만 된 비어 있지 않은 문자열이 와야 합니다"),
    # ---------------------------------------------------------------- seq2seq (masked_cross_entropy: tests of its own)
    ("make_seq2seq_batch-empty", lambda: S2S.make_seq2seq_batch([], _vocab(), _vocab()), ValueError, r"pairs에는 \(입력 토큰 리스트, 목표 토큰 리스트\) 쌍들의 비어 있지 않은 리스트가 와야 합니다"),
    ("make_seq2seq_batch-vocab", lambda: S2S.make_seq2seq_batch([(["a"], ["b"])], _vocab(), {"a": 1}), TypeError,
     "Vocab"),
    ("make_seq2seq_batch-no-sos", lambda: S2S.make_seq2seq_batch([(["a"], ["b"])], _vocab(),
                                                                  D.build_vocab([["b"]])), ValueError, "sos_eos"),
    ("make_seq2seq_batch-pair", lambda: S2S.make_seq2seq_batch([(["a"],)], _vocab(), _vocab()), ValueError,
     r"pairs의 항목 \[0\]에는 \(입력 토큰, 목표 토큰\) 쌍이 와야 합니다"),
    ("GRUEncoder-odd", lambda: S2S.GRUEncoder(8, d_h=5), ValueError, r"d_h에는 짝수\(두 방향에 d_h // 2씩\)가 와야 합니다"),
    ("GRUEncoder-pad", lambda: S2S.GRUEncoder(8, pad_id=8), ValueError, "pad_id"),
    ("GRUEncoder-vocab-float", lambda: S2S.GRUEncoder(8.0), TypeError, r"vocab_size에는 1 이상의 정수\(int\)가 와야 합니다"),
    ("GRUEncoder-float-lengths", lambda: _enc()(SRC, torch.tensor([3.0, 2.0])), TypeError, r"src_lengths에는 정수\(torch\.long\)가 와야 합니다"),
    ("GRUEncoder-list-float-lengths", lambda: _enc()(SRC, [2.5, 2]), TypeError, r"src_lengths의 항목 \[0\]에는 정수\(int\)가 와야 합니다"),
    ("GRUEncoder-lengths-B", lambda: _enc()(SRC, torch.tensor([3])), ValueError, r"\(B,\) = \(2,\)"),
    ("GRUEncoder-lengths-L", lambda: _enc()(SRC, torch.tensor([4, 2])), ValueError, r"src_lengths의 길이는 1 이상 L=3\(패딩된 길이\) 이하여야 합니다"),
    ("GRUEncoder-ids", lambda: _enc()(torch.tensor([[9, 1]]), torch.tensor([2])), ValueError, r"src에 어휘 범위 \[0, vocab_size=8\) 밖의 id가 있습니다"),
    ("GRUEncoder-float-src", lambda: _enc()(SRC.float(), SRC_LEN), ValueError, "LongTensor"),
    ("GRUDecoder-init-final", lambda: _dec().init_state(torch.zeros(2, 3, 6), torch.zeros(2, 4),
                                                        torch.ones(2, 3, dtype=torch.bool)), ValueError, "d_h=6"),
    ("GRUDecoder-init-mask", lambda: _dec().init_state(torch.zeros(2, 3, 6), torch.zeros(2, 6),
                                                       torch.ones(2, 3)), TypeError, "src_mask"),
    ("GRUDecoder-init-B", lambda: _dec().init_state(torch.zeros(3, 3, 6), torch.zeros(2, 6),
                                                    torch.ones(2, 3, dtype=torch.bool)), ValueError, r"GRUDecoder\.init_state: final \(B, d_h\) = \(2, 6\), memory \(B, S, d_h\) = \(3, 3, 6\), "),
    ("GRUDecoder-forward-B", lambda: _dec()(torch.tensor([[2]]), _state()), ValueError, r"state\['h'\]의 모양\(shape\)이 맞지 않습니다"),
    ("GRUDecoder-forward-state", lambda: _dec()(TGT, {"x": 1}), TypeError, "init_state"),
    ("GRUDecoder-forward-ids", lambda: _dec()(torch.tensor([[2, 9], [2, 2]]), _state()), ValueError, r"tgt_in에 어휘 범위 \[0, vocab_size=9\) 밖의 id가 있습니다"),
    ("EncoderDecoder-modules", lambda: S2S.EncoderDecoder(_enc(), "decoder"), TypeError, "decoder"),
    ("EncoderDecoder-B", lambda: _model()(SRC, SRC_LEN, TGT[:1]), ValueError, '배치 크기 B가 맞지 않습니다'),
    ("EncoderDecoder-d_h", lambda: S2S.EncoderDecoder(_enc(), S2S.GRUDecoder(9, d_h=8))(SRC, SRC_LEN, TGT),
     ValueError, r"final\(인코더의 마지막 은닉 상태\)의 마지막 축 크기가 디코더의 d_h=8에 맞지 않습니다"),
    ("EncoderDecoder-lengths-str", lambda: _model()(SRC, "32", TGT), TypeError, r"src_lengths에는 정수 길이들의 1차원 텐서나 리스트\(모양 \(B,\)\)가 와야 합니다"),
    ("greedy_decode-max_len", lambda: S2S.greedy_decode(_model(), SRC, SRC_LEN, max_len=0), ValueError, "max_len"),
    ("greedy_decode-model", lambda: S2S.greedy_decode(nn.Linear(1, 1), SRC, SRC_LEN, max_len=2), TypeError,
     "EncoderDecoder"),
    ("greedy_decode-eos", lambda: S2S.greedy_decode(_model(), SRC, SRC_LEN, max_len=2, eos_id=9), ValueError,
     "eos_id"),
    ("greedy_decode-sos-pad", lambda: S2S.greedy_decode(_model(), SRC, SRC_LEN, max_len=2, sos_id=0), ValueError,
     r"시작 토큰\(sos_id\)과 끝 토큰\(eos_id\)의 id는 패딩 토큰\(pad_id\)의 id와 달라야 합니다"),
    ("free_running_logits-steps", lambda: S2S.free_running_logits(_model(), SRC, SRC_LEN, 0), ValueError, "steps"),
    ("exact_match-B", lambda: S2S.exact_match(TGT, TGT[:1]), ValueError, '배치 크기 B가 맞지 않습니다'),
    ("exact_match-float", lambda: S2S.exact_match(TGT.float(), TGT), ValueError, "LongTensor"),
    ("token_accuracy-pad", lambda: S2S.token_accuracy(TGT, torch.zeros_like(TGT)), ValueError, 'target에 pad_id=0만 있어 정확도를 계산할 위치가 없습니다'),
    ("token_accuracy-pad-float", lambda: S2S.token_accuracy(TGT, TGT, pad_id=0.5), TypeError, "pad_id"),
    ("strip_eos-str", lambda: S2S.strip_eos("123"), TypeError, "row"),
    ("strip_eos-float", lambda: S2S.strip_eos([4.0, 3.0]), TypeError, "row"),
    # ---------------------------------------------------------------- attention
    ("DotScore-size", lambda: A.DotScore()(torch.zeros(1, 2, 3), torch.zeros(1, 4, 5)), ValueError, r"query의 마지막 축 크기\(d_q\)와 keys의 마지막 축 크기\(d_k\)가 같아야 합니다"),
    ("DotScore-B", lambda: A.DotScore()(torch.zeros(1, 2, 3), torch.zeros(2, 4, 3)), ValueError, "B=1"),
    ("DotScore-int", lambda: A.DotScore()(torch.zeros(1, 2, 3, dtype=torch.long), torch.zeros(1, 4, 3)), TypeError,
     r"query의 자료형\(dtype\)은 실수형\(예: torch\.float32\)이어야 합니다"),
    ("ScaledDotScore-2d", lambda: A.ScaledDotScore()(torch.zeros(2, 3), torch.zeros(1, 4, 3)), ValueError,
     r"\(B, T, d_q\)"),
    ("GeneralScore-keys", lambda: A.GeneralScore(3, 4)(torch.zeros(1, 2, 3), torch.zeros(1, 5, 6)), ValueError,
     "keys"),
    ("GeneralScore-query", lambda: A.GeneralScore(3, 4)(torch.zeros(1, 2, 5), torch.zeros(1, 5, 4)), ValueError,
     "query"),
    ("GeneralScore-size", lambda: A.GeneralScore(0, 4), ValueError, "d_q"),
    ("ConcatScore-keys", lambda: A.ConcatScore(3, 4)(torch.zeros(1, 2, 3), torch.zeros(1, 5, 6)), ValueError,
     "keys"),
    ("ConcatScore-d_a", lambda: A.ConcatScore(3, 4, 0), ValueError, "d_a"),
    ("LocationScore-S", lambda: A.LocationScore(3, 4)(torch.zeros(1, 2, 3), torch.zeros(1, 5, 3)), ValueError,
     "max_len"),
    ("LocationScore-query", lambda: A.LocationScore(3, 4)(torch.zeros(1, 2, 5), torch.zeros(1, 4, 3)), ValueError,
     "query"),
    ("make_score-name", lambda: A.make_score("cosine", 4), ValueError, "name에는 점수 함수 이름 'dot', 'scaled_dot', 'general', 'concat', 'location' 중"),
    ("make_score-name-type", lambda: A.make_score(3, 4), TypeError, r"name에는 'dot', 'scaled_dot', 'general', 'concat', 'location' 중 하나인 문자열\("),
    ("make_score-location", lambda: A.make_score("location", 4), ValueError, "max_len"),
    ("make_score-d_h", lambda: A.make_score("general", 4.0), TypeError, "d_h"),
    ("masked_softmax-nan-real", lambda: A.masked_softmax(torch.tensor([[math.nan, 0.0]]),
                                                         torch.tensor([[True, True]])), ValueError, "NaN"),
    ("masked_softmax-mask-dtype", lambda: A.masked_softmax(torch.zeros(1, 2), torch.ones(1, 2)), TypeError, "bool"),
    ("masked_softmax-empty-row", lambda: A.masked_softmax(torch.zeros(2, 2), torch.tensor([[True, False],
                                                                                            [False, False]])),
     ValueError, r"mask의 행 \[1\]에 True가 하나도 없습니다\(모두 패딩\)"),
    ("masked_softmax-empty-batch", lambda: A.masked_softmax(torch.zeros(0, 2), torch.ones(0, 2, dtype=torch.bool)),
     ValueError, r"scores에 원소가 없습니다\(모양 \(0, 2\)\)"),
    ("masked_softmax-int", lambda: A.masked_softmax(torch.zeros(1, 2, dtype=torch.long),
                                                    torch.ones(1, 2, dtype=torch.bool)), TypeError, r"scores의 자료형\(dtype\)은 실수형\(예: torch\.float32\)이어야 합니다"),
    ("attend-score", lambda: A.attend("dot", torch.zeros(1, 2, 3), torch.zeros(1, 4, 3),
                                      torch.ones(1, 4, dtype=torch.bool)), TypeError, r"score에는 신경망 모듈\(nn\.Module\)이 와야 합니다"),
    ("attend-mask", lambda: A.attend(A.DotScore(), torch.zeros(1, 2, 3), torch.zeros(1, 4, 3),
                                     torch.ones(1, 3, dtype=torch.bool)), ValueError, r"\(B, S\)"),
    ("AttentionDecoder-score", lambda: A.AttentionDecoder(9, score=3), TypeError, "score에는 점수 함수 이름 'dot', 'scaled_dot', 'general', 'concat', 'location' "),
    ("AttentionDecoder-memory", lambda: A.AttentionDecoder(9, d_h=6, score="dot")(
        TGT, A.AttentionDecoder(9, d_h=6).init_state(torch.zeros(2, 3, 4), torch.zeros(2, 6),
                                                    torch.ones(2, 3, dtype=torch.bool))), ValueError, "memory"),
    # ---------------------------------------------------------------- devices (the meta device stands in for a GPU)
    ("RecurrentLM-device", lambda: LM.RecurrentLM(5, 4, 4)(torch.ones(1, 2, dtype=torch.long, device="meta")),
     ValueError, r"idx의 장치\(device\)가 모델과 다릅니다"),
    ("SequenceClassifier-device", lambda: M.SequenceClassifier(5, 2)(torch.ones(1, 2, dtype=torch.long,
                                                                                device="meta"), [2]),
     ValueError, r"batch의 장치\(device\)가 모델과 다릅니다"),
    ("GRUEncoder-device", lambda: _enc()(SRC.to("meta"), SRC_LEN), ValueError, r"src의 장치\(device\)가 모델과 다릅니다"),
    ("GRUDecoder-device", lambda: _dec()(TGT.to("meta"), _state()), ValueError, r"tgt_in의 장치\(device\)가 모델과 다릅니다"),
    ("DotScore-device", lambda: A.DotScore()(torch.zeros(1, 2, 3), torch.zeros(1, 4, 3, device="meta")),
     ValueError, r"query, keys의 장치\(device\)가 다릅니다"),
    ("masked_softmax-device", lambda: A.masked_softmax(torch.zeros(1, 2),
                                                       torch.ones(1, 2, dtype=torch.bool, device="meta")),
     ValueError, r"mask, scores의 장치\(device\)가 다릅니다"),
    ("exact_match-device", lambda: S2S.exact_match(TGT, TGT.to("meta")), ValueError, r"pred, target의 장치\(device\)가 다릅니다"),
    ("accuracy-device", lambda: TR.accuracy(torch.zeros(2, 3), torch.zeros(2, dtype=torch.long, device="meta")),
     ValueError, r"logits의 장치\(device\)와 target의 장치가 다릅니다"),
    # ---------------------------------------------------------------- reading (the chapter 7-8 runs)
    ("Config-lr0", lambda: RD.Config(lr=0), ValueError, 'lr에는 0보다 큰 유한한 실수가 와야 합니다'),
    ("Config-lr-neg", lambda: RD.Config(lr=-1e-3), ValueError, 'lr에는 0보다 큰 유한한 실수가 와야 합니다'),
    ("Config-clip", lambda: RD.Config(clip=0.0), ValueError, 'clip에는 0보다 큰 유한한 실수가 와야 합니다'),
    ("Config-seed", lambda: RD.Config(seed=1.5), TypeError, r"seed에는 정수\(int\)가 와야 합니다"),
    ("Config-attention", lambda: RD.Config(attention="cosine"), ValueError, "attention에는 'none', 'dot', 'scaled_dot', 'general', 'concat', 'locatio"),
    # ---------------------------------------------------------------- viz
    ("plot_padded_batch-lengths", lambda: VZ.plot_padded_batch(torch.ones(2, 3, dtype=torch.long), "33"), TypeError,
     r"lengths에는 정수 길이들의 1차원 텐서나 리스트\(모양 \(B,\)\)가 와야 합니다"),
    ("plot_padded_batch-show_ids", lambda: VZ.plot_padded_batch(torch.ones(1, 3, dtype=torch.long), [3],
                                                                show_ids="yes"), TypeError, "show_ids"),
    ("plot_packing-B", lambda: VZ.plot_packing(torch.ones(2, 3, dtype=torch.long), [3]), ValueError,
     "batch_first"),
    ("plot_attention-tokens", lambda: VZ.plot_attention(torch.zeros(2, 3), ["a", "b"], ["x", "y"]), ValueError,
     r"weights의 모양 \(T, S\) = \(2, 3\)에 맞게 tgt_tokens에는 출력 토큰 T=2개, src_tokens에는 "),
    ("plot_attention-str", lambda: VZ.plot_attention(torch.zeros(2, 3), "abc", ["x", "y"]), TypeError,
     "src_tokens"),
    ("plot_unrolled_rnn-steps", lambda: VZ.plot_unrolled_rnn(0), ValueError, "steps"),
    ("plot_h_n_layout-dirs", lambda: VZ.plot_h_n_layout(2, 3), ValueError, "num_dirs"),
    ("plot_h_n_layout-dirs-bool", lambda: VZ.plot_h_n_layout(2, True), TypeError, "num_dirs"),
    # ---------------------------------------------------------------- repro
    ("seed_everything-float", lambda: R.seed_everything(1.5), TypeError, r"seed에는 정수\(int\)가 와야 합니다"),
    ("setup_notebook-threads", lambda: R.setup_notebook(threads=0), ValueError, "threads"),
    ("progress-desc", lambda: R.progress(range(3), desc=3), TypeError, "desc"),
    ("progress-total", lambda: R.progress(range(3), total=-1), ValueError, "total"),
    ("progress-iterable", lambda: R.progress(5), TypeError, "iterable"),
    # ---------------------------------------------------------------- found by property probing
    ("pad_sequences-negative-id", lambda: D.pad_sequences([[-1, 2]]), ValueError, "토큰 id는 0 이상"),
    ("pad_sequences-set-item", lambda: D.pad_sequences([{1, 2}, [3]]), TypeError, r"시퀀스 \[0\]에는 순서가 있는"),
    ("check_padded_batch-negative-id", lambda: D.check_padded_batch(torch.tensor([[-5, 0]]), [1]), ValueError,
     "음수인 id -5가"),
    ("ScratchRNNCell-x-float64", lambda: M.ScratchRNNCell(3, 4)(torch.zeros(2, 3, dtype=torch.float64),
                                                               torch.zeros(2, 4)), TypeError,
     r"x의 자료형\(dtype\)은 모델의 매개변수와 같은 torch.float32"),
    ("ScratchLSTMCell-c-int", lambda: M.ScratchLSTMCell(3, 4)(torch.zeros(2, 3), (torch.zeros(2, 4),
                                                                                  torch.zeros(2, 4, dtype=torch.long))),
     TypeError, r"c의 자료형\(dtype\)은 실수형"),
    ("unroll-nn.RNN", lambda: M.unroll(nn.RNN(3, 4), torch.zeros(2, 5, 3)), TypeError, "cell에는 한 시간 단계씩"),
    ("unroll-lstm-state", lambda: M.unroll(nn.LSTMCell(3, 4), torch.zeros(2, 5, 3), torch.zeros(2, 4)), TypeError,
     r"state에는 LSTM 셀의 \(h, c\) 튜플"),
    ("unroll-x-float64", lambda: M.unroll(M.ScratchRNNCell(3, 4), torch.zeros(2, 5, 3, dtype=torch.float64)),
     TypeError, r"x의 자료형\(dtype\)은 모델의 매개변수와 같은"),
    ("make_rnn-unknown-kwarg", lambda: M.make_rnn("gru", 3, 4, foo=1), TypeError, r"추가 인자\(\*\*kwargs\)에는"),
    ("make_rnn-num_layers-float", lambda: M.make_rnn("gru", 3, 4, num_layers=2.0), TypeError, "num_layers에는"),
    ("make_rnn-dropout", lambda: M.make_rnn("gru", 3, 4, dropout=2.0), ValueError, "dropout에는"),
    ("make_rnn-bidirectional-str", lambda: M.make_rnn("gru", 3, 4, bidirectional="yes"), TypeError,
     "bidirectional에는 True 또는 False"),
    ("RecurrentLM-state-float64", lambda: LM.RecurrentLM(10, 4, 6)(torch.tensor([[1, 2]]),
                                                                 torch.zeros(1, 1, 6, dtype=torch.float64)),
     TypeError, r"state의 자료형\(dtype\)은 모델의 매개변수와 같은"),
    ("generate-greedy-temperature", lambda: LM.generate(LM.RecurrentLM(10, 4, 6), [1], 2, greedy=True, temperature=-1),
     ValueError, "temperature에는 0보다 큰"),
    ("generate-not-lm", lambda: LM.generate(nn.Linear(2, 2), [1, 2], 2), TypeError, "model에는 RecurrentLM처럼"),
    ("evaluate_lm-not-lm", lambda: LM.evaluate_lm(nn.Linear(2, 2), list(range(1, 10)) * 5, batch_size=2), TypeError,
     "model에는 RecurrentLM처럼"),
    ("bptt_batches-negative", lambda: LM.bptt_batches([-1, 2, 3, 4], 1, 2), ValueError, "ids의 토큰 id는 0 이상"),
    ("GRUDecoder-init-final-float64", lambda: _dec().init_state(torch.zeros(2, 3, 6), torch.zeros(2, 6, dtype=torch.float64),
                                                              torch.ones(2, 3, dtype=torch.bool)), TypeError,
     r"final의 자료형\(dtype\)은 모델의 매개변수와 같은"),
    ("GRUDecoder-forward-state-int", lambda: _dec()(TGT, {"h": torch.zeros(1, 2, 6, dtype=torch.long)}), TypeError,
     r"state\['h'\]의 자료형\(dtype\)은 실수형"),
    ("DotScore-dtype-mix", lambda: A.DotScore()(torch.zeros(2, 1, 4, dtype=torch.float64), torch.zeros(2, 3, 4)),
     TypeError, r"query의 자료형\(dtype\)과 keys의 자료형이 같아야"),
    ("GeneralScore-float64", lambda: A.GeneralScore(4, 4)(torch.zeros(2, 1, 4, dtype=torch.float64),
                                                         torch.zeros(2, 3, 4, dtype=torch.float64)), TypeError,
     r"query의 자료형\(dtype\)은 모델의 매개변수와 같은"),
    ("make_score-max_len", lambda: A.make_score("dot", 4, max_len="x"), TypeError, "max_len에는"),
    ("AttentionDecoder-max_src_len", lambda: A.AttentionDecoder(8, score="dot", d_h=6, max_src_len=-5), ValueError,
     "max_src_len에는 1 이상의"),
    ("AttentionDecoder-state-keys", lambda: A.AttentionDecoder(9, score="dot", d_h=6, d_w=4)(TGT, {"h": torch.zeros(1, 2, 6)}),
     TypeError, "state에는 init_state"),
    ("attend-not-a-score", lambda: A.attend(nn.Linear(4, 4), torch.zeros(2, 1, 4), torch.zeros(2, 3, 4),
                                            torch.ones(2, 3, dtype=torch.bool)), TypeError, "score에는 score"),
    ("Scaler-overflow", lambda: TS.Scaler().fit(np.array([-1e308, 1e308])), ValueError, "float64의 범위를 넘습니다"),
    ("LinearAR-y-H0", lambda: TS.LinearAR().fit(np.zeros((3, 2, 1)), np.zeros((3, 0))), ValueError, "H >= 1"),
    ("make_windows-bool", lambda: TS.make_windows([True, False, True, True], 2), TypeError, "series에는"),
    ("diebold_mariano-constant", lambda: TS.diebold_mariano([0.1] * 3, [0.0] * 3), ValueError, r"같습니다\(상수\)"),
    ("block_bootstrap_ci-seed-neg", lambda: TS.block_bootstrap_ci(SERIES, 2, seed=-1), ValueError, "seed에는 0 이상"),
    ("block_bootstrap_ci-seed-none", lambda: TS.block_bootstrap_ci(SERIES, 2, seed=None), TypeError, "seed에는"),
    ("load_msft-start-after-end", lambda: TS.load_msft(start="2020-01-01", end="2010-01-01"), ValueError,
     "end에는 start='2020-01-01' 이후의 날짜"),
    ("fit-loss-not-tensor", lambda: TR.fit(nn.Linear(2, 2), lambda s: (torch.zeros(1, 2), torch.zeros(1, 2)),
                                          lambda a, b: 3.0, steps=1, clip=None), TypeError,
     r"loss_fn\(output, target\)의 반환값에는 원소가 하나인"),
    ("fit-device", lambda: TR.fit(nn.Linear(2, 2), lambda s: (torch.zeros(1, 2), torch.zeros(1, 2)),
                                  nn.functional.mse_loss, steps=1, clip=None, device="xpu9"), ValueError, "device에는"),
    ("fit-no-parameters", lambda: TR.fit(nn.ReLU(), lambda s: (torch.zeros(1, 2), torch.zeros(1, 2)),
                                         nn.functional.mse_loss, steps=1, clip=None), ValueError,
     "model에는 학습할 매개변수가 있는"),
    ("accuracy-target-range", lambda: TR.accuracy(torch.zeros(2, 3), torch.tensor([0, 7])), ValueError,
     r"target의 클래스 id는 \[0, C=3\)"),
    ("accuracy-nan", lambda: TR.accuracy(torch.full((2, 3), math.nan), torch.tensor([0, 1])), ValueError,
     "logits에 NaN"),
    ("KneserNeyLM-stats", lambda: __import__("seqlab.ngram").ngram.KneserNeyLM([1, 2, 3, 1], 4, 2).bits([1, 2], 0.5,
                                                                                                    stats="x"),
     ValueError, "stats에는 이 모델의 stream_stats"),
    ("KneserNeyLM-ids-set", lambda: __import__("seqlab.ngram").ngram.KneserNeyLM({1, 2, 3}, 4, 2), TypeError,
     "train_ids에는"),
    ("KneserNeyLM-vocab-huge", lambda: __import__("seqlab.ngram").ngram.KneserNeyLM([1, 2], 10**19, 2), ValueError,
     "vocab_size에는"),
    ("majority_task-vocab-huge", lambda: TK.majority_task(2, vocab_size=2**63, generator=G()), ValueError,
     "vocab_size에는 2147483647 이하의"),
    ("seed_everything-huge", lambda: R.seed_everything(2**70), ValueError, r"seed에는 \[-2\*\*63, 2\*\*64\) 범위"),
    ("build_model-cfg", lambda: RD.build_model("x"), TypeError, r"cfg에는 Config"),
    ("train_model-eval_every", lambda: RD.train_model(RD.Config(steps=1, batch_size=2), eval_every=-1), ValueError,
     "eval_every에는 0 이상"),
    ("evaluate-model", lambda: RD.evaluate("x", ["12"]), TypeError, "model에는 EncoderDecoder"),
    ("evaluate-numbers-none", lambda: RD.evaluate(_model(), None), TypeError, "numbers에는"),
    ("save_checkpoint-cfg", lambda: RD.save_checkpoint(_model(), "c", "/tmp/x.pt"), TypeError, "cfg에는 Config"),
    ("load_checkpoint-path", lambda: RD.load_checkpoint(5), TypeError, "path에는 파일 경로"),
    ("plot_padded_batch-ax", lambda: VZ.plot_padded_batch(torch.tensor([[1, 0]]), [1], ax="x"), TypeError,
     "ax에는 None 또는 matplotlib의 Axes"),
    ("plot_padded_batch-float", lambda: VZ.plot_padded_batch(torch.tensor([[1.0, 0.0]]), [1]), TypeError,
     r"batch의 자료형\(dtype\)은 정수형"),
    ("plot_attention-token-int", lambda: VZ.plot_attention(torch.zeros(1, 2), [1, 2], ["a"]), TypeError,
     r"src_tokens의 항목 \[0\]에는 문자열 토큰"),
    ("plot_attention-nan", lambda: VZ.plot_attention(torch.full((1, 2), math.nan), ["a", "b"], ["a"]), ValueError,
     "weights에 NaN"),
    ("plot_unrolled_rnn-huge", lambda: VZ.plot_unrolled_rnn(10**9), ValueError, r"steps에는 \[1, 50\]"),
    ("plot_lstm_cell-ax", lambda: VZ.plot_lstm_cell(ax="x"), TypeError, "ax에는"),
    ("expect.close-atol", lambda: __import__("seqlab.checks").checks.expect.close(1.0, 1.0, "x", atol=math.nan),
     ValueError, "atol에는 0 이상의 유한한"),
    ("expect.close-want", lambda: __import__("seqlab.checks").checks.expect.close(1.0, None, "x"), TypeError,
     "want에는 수"),
    ("expect.shape-shape", lambda: __import__("seqlab.checks").checks.expect.shape(torch.zeros(2), 5, "x"), TypeError,
     "shape에는 0 이상의 정수들의 튜플"),
    ("expect.type-types", lambda: __import__("seqlab.checks").checks.expect.type(1, 5, "x"), TypeError, "types_에는"),
    ("expect.raises-exc", lambda: __import__("seqlab.checks").checks.expect.raises(5, lambda: 1, what="x"), TypeError,
     "exc_type에는 예외 클래스"),
]


HANGUL = re.compile("[\uac00-\ud7a3]")
ENGLISH_FORM = re.compile(r"\b(?:must be|must have|got|expected|should be|cannot|is not)\b")


@pytest.mark.parametrize("call, err, fragment", [row[1:] for row in BAD], ids=[row[0] for row in BAD])
def test_bad_input_raises_a_named_error(call, err, fragment):
    with pytest.raises(err, match=fragment) as info:
        call()
    message = str(info.value)
    # one language: the message is Korean prose (names and code stay as written in Python)
    assert HANGUL.search(message) and not ENGLISH_FORM.search(message), message
    if err is RuntimeError:  # a state error, not an input error: the object must be fitted first
        return
    assert isinstance(info.value, (TypeError, ValueError)), type(info.value).__mro__


def test_battery_covers_every_module():
    modules = {row[0].split("-")[0].split(".")[0] for row in BAD}
    for helper in ["Vocab", "pad_sequences", "ScratchRNNCell", "RecurrentLM", "make_windows", "fit",
                   "majority_task", "number_split", "GRUEncoder", "masked_softmax", "progress"]:
        assert helper in modules
    assert len(BAD) >= 150, len(BAD)


# --------------------------------------------------------------------- the validation module itself
@pytest.mark.parametrize("value, ok", [(3, 3), (np.int64(4), 4), (torch.tensor(5), 5)])
def test_check_int_accepts_integers(value, ok):
    assert V.check_int(value, "n") == ok and type(V.check_int(value, "n")) is int


@pytest.mark.parametrize("value, err", [(True, TypeError), (2.0, TypeError), ("3", TypeError),
                                        (torch.tensor(2.0), TypeError), (0, ValueError)])
def test_check_int_rejects(value, err):
    with pytest.raises(err, match=r"^f: n에는 1 이상의 정수\(int\)가 와야 합니다\. 받은 값: "):
        V.check_int(value, "n", minimum=1, where="f")


def test_check_number_and_positive():
    assert V.check_number(np.float32(0.5), "x") == 0.5
    assert V.check_positive(torch.tensor(2.0), "lr") == 2.0
    for bad, err in [(math.nan, ValueError), (math.inf, ValueError), (0, ValueError), (True, TypeError),
                     ("1", TypeError)]:
        with pytest.raises(err, match="lr에는 0보다 큰 유한한 실수가 와야 합니다"):
            V.check_positive(bad, "lr")
    assert V.check_number(math.inf, "x", finite=False) == math.inf
    assert V.check_fraction(0.3, "p") == 0.3
    with pytest.raises(ValueError, match=r"p에는 \(0, 1\) 구간의 유한한 실수가 와야 합니다\. 받은 값: 1"):
        V.check_fraction(1, "p")
    with pytest.raises(ValueError, match=r"x에는 \[0, 1\] 구간의"):
        V.check_number(2, "x", minimum=0, maximum=1)


def test_check_tensor_names_shape_dtype_and_device():
    x = torch.zeros(2, 3)
    assert V.check_tensor(x, "x", shape=(None, 3), dtype="float") is x
    with pytest.raises(ValueError, match=r"x의 모양\(shape\)이 맞지 않습니다\. 필요한 모양: \(B, d\) = \(·, 4\), "
                                         r"받은 모양: \(2, 3\)"):
        V.check_tensor(x, "x", shape=(None, 4), layout="(B, d)")
    with pytest.raises(TypeError, match=r"x의 자료형\(dtype\)은 torch\.long\(int64, 토큰 id의 자료형\)이어야 합니다"):
        V.check_tensor(x, "x", dtype="long")
    with pytest.raises(ValueError, match=r"x에는 3차원 텐서가 와야 합니다\(모양 \(B, L, d\)\)\. 받은 모양: \(2, 3\)"):
        V.check_tensor(x, "x", ndim=3, layout="(B, L, d)")
    with pytest.raises(ValueError, match=r"x의 장치\(device\)가 모델과 다릅니다\. 모델: meta, .*장치 cpu\. "
                                         r"\.to\('meta'\)로 옮겨야 합니다"):
        V.check_tensor(x, "x", device="meta")
    with pytest.raises(ValueError, match=r"x에 원소가 없습니다\(모양 \(0, 3\)\)"):
        V.check_tensor(torch.zeros(0, 3), "x")
    with pytest.raises(ValueError, match="x에 NaN이나 inf가 들어 있습니다"):
        V.check_tensor(torch.tensor([math.nan]), "x", finite=True)
    with pytest.raises(TypeError, match=r"x에는 텐서\(torch\.Tensor, 모양 \(B, L\)\)가 와야 합니다\. "
                                        r"받은 값: 항목 1개인 list \[1\]"):
        V.check_tensor([1], "x", layout="(B, L)")


def test_check_lengths_sequences_ids_and_choice():
    assert V.check_lengths(np.array([3, 1])).tolist() == [3, 1]
    assert V.check_lengths((2, 2), batch_size=2, max_len=2).dtype == torch.long
    with pytest.raises(TypeError, match="받은 값: 문자열 '32'"):
        V.check_lengths("32")
    with pytest.raises(TypeError, match=r"lengths의 항목 \[0\]에는 정수\(int\)가 와야 합니다\. 받은 값: float 2\.0"):
        V.check_lengths([2.0, 1])
    with pytest.raises(ValueError, match=r"lengths의 길이는 모두 1 이상이어야 합니다\. 받은 값: \[0, 1\]"):
        V.check_lengths([0, 1])
    with pytest.raises(ValueError, match=r"배치 크기와 같은 3개의 길이가 와야 합니다.*받은 개수: 2"):
        V.check_lengths([3, 1], batch_size=3)
    assert V.check_sequences([[1, 2], torch.tensor([3])]) == [[1, 2], [3]]
    with pytest.raises(TypeError, match=r"정수만 든 평평한 리스트 \[1, 2\]\. 시퀀스 하나라면 \[seq\]"):
        V.check_sequences([1, 2])
    assert V.check_ids(np.array([1, 2]), "ids") == [1, 2]
    with pytest.raises(IndexError, match=r"ids의 항목 \[0\] = 5: id는 어휘 범위 \[0, vocab_size=5\) 안에"):
        V.check_ids([5], "ids", vocab_size=5)
    assert V.check_choice("gru", "kind", ("rnn", "gru")) == "gru"
    with pytest.raises(ValueError, match="kind에는 'rnn', 'gru' 중 하나가 와야 합니다. 받은 값: 'cnn'"):
        V.check_choice("cnn", "kind", ("rnn", "gru"))
    with pytest.raises(TypeError, match="kind에는 'rnn', 'gru' 중 하나가"):
        V.check_choice(3, "kind", ("rnn", "gru"))
    assert V.check_digits("0", "n") == "0"
    with pytest.raises(ValueError, match="맨 앞에 0이 있습니다"):
        V.check_digits("007", "n")
    assert V.check_bool(np.bool_(True), "b") is True


def test_lookup_errors_are_value_errors_too():
    assert issubclass(V.IdOutOfRangeError, IndexError) and issubclass(V.IdOutOfRangeError, ValueError)
    assert issubclass(V.UnknownTokenError, KeyError) and issubclass(V.UnknownTokenError, ValueError)
    assert str(V.UnknownTokenError("토큰 'z'는 어휘에 없습니다")) == "토큰 'z'는 어휘에 없습니다"  # no quotes


def test_describe():
    assert V.describe(torch.zeros(2, dtype=torch.long)) == "torch.int64 텐서, 모양 (2,), 장치 cpu"
    assert V.describe(np.zeros((2, 1), dtype=np.float32)) == "NumPy float32 배열, 모양 (2, 1)"
    assert V.describe("x" * 100).endswith("...")
    assert V.describe([]) == "빈 list"
    assert V.describe((1, 2)) == "항목 2개인 tuple (1, 2)"
    assert V.describe(None) == "None" and V.describe(np.bool_(False)) == "bool False"


@pytest.mark.parametrize("word, particle, out", [
    ("정수(int)", "이", "정수(int)가"), ("유한한 실수", "이", "유한한 실수가"), ("텐서", "을", "텐서를"),
    ("모양", "은", "모양은"), ("1 이상", "이어야", "1 이상이어야"), ("3개", "이어야", "3개여야"),
    ("길", "으로", "길로"), ("값", "으로", "값으로"), ("텐서", "으로", "텐서로"), ("인코더", "과", "인코더와"),
    ("bool", "이", "bool이"), ("None", "이", "None이"), ("int", "이", "int가"), ("torch.long", "이어야", "torch.long이어야"),
    ("7", "이", "7이"), ("2", "이", "2가"), ("'abc'", "이", "'abc'가"), ("→", "이", "→이(가)"),
])
def test_josa(word, particle, out):
    assert V.josa(word, particle) == out


def test_josa_rejects_unknown_particle():
    with pytest.raises(ValueError, match="particle에는"):
        V.josa("값", "도")


# --------------------------------------------------------------------- NumPy integers are integers
I = np.int64


@pytest.mark.parametrize("call", [
    lambda: D.build_vocab([["a", "b"]], min_freq=I(1)),
    lambda: NG.KneserNeyLM(np.array([1, 2, 3, 1, 2]), I(5), I(2)).next_token_probs([1], I(2), 0.75),
    lambda: NUM.sample_numbers(I(2), "train"),
    lambda: RD.Config(d_h=I(8), seed=I(1)),
    lambda: R.setup_notebook(I(0), threads=I(1)),
    lambda: list(R.progress(range(2), total=I(2))),
    lambda: S2S.masked_cross_entropy(torch.zeros(1, 2, 3), torch.tensor([[1, 0]]), pad_id=I(0)),
    lambda: VZ.plot_h_n_layout(I(2), I(1)),
], ids=["build_vocab", "KneserNeyLM", "sample_numbers", "Config", "setup_notebook", "progress",
        "masked_cross_entropy", "plot_h_n_layout"])
def test_numpy_integers_are_accepted_as_ints(call):
    call()  # a count read from an array (np.int64) is a valid int everywhere an int is asked for
    matplotlib.pyplot.close("all")


# --------------------------------------------------------------------- sizes that would exhaust memory
@pytest.mark.parametrize("call, fragment", [
    (lambda: D.pad_sequences([[1, 2]], max_len=10**12), r"pad_sequences: 배치 \(B, L\) = \(1, 1000000000000\)의 원소가"),
    (lambda: D.lengths_to_mask([2], max_len=10**12), r"lengths_to_mask: 마스크 \(B, L\)"),
    (lambda: D.packed_batch_sizes([10**12]), "packed_batch_sizes: 비교 표"),
    (lambda: TK.majority_task(10**5, max_len=10**5, generator=G().manual_seed(0)), r"majority_task: 배치 \(B, L\)"),
    (lambda: TK.first_token_task(10**5, 10**5, generator=G().manual_seed(0)), r"first_token_task: 배치 \(B, length\)"),
], ids=["pad_sequences", "lengths_to_mask", "packed_batch_sizes", "majority_task", "first_token_task"])
def test_a_huge_size_is_named_before_memory_runs_out(call, fragment):
    with pytest.raises(ValueError, match=fragment + ".*까지만 만듭니다"):
        call()


def test_an_encoder_without_the_interface_is_named():
    with pytest.raises(TypeError, match=r"EncoderDecoder: encoder에는 Encoder 인터페이스를 따르는 모듈"):
        S2S.EncoderDecoder(nn.Linear(2, 2), _dec())

    class OneOutput(nn.Module):
        def forward(self, src, src_lengths):
            return torch.zeros(src.shape[0], 6)

    model = S2S.EncoderDecoder(OneOutput(), _dec())
    with pytest.raises(TypeError, match=r"encoder\(src, src_lengths\)의 반환값은 텐서 두 개의 튜플"):
        model(SRC, SRC_LEN, TGT)


def test_figures_refuse_lengths_that_disagree_with_the_padding():
    batch = torch.tensor([[3, 4, 0], [5, 6, 7]])  # (B=2, L=3): the second row has 3 real tokens
    for plot in (VZ.plot_padded_batch, VZ.plot_packing):
        with pytest.raises(ValueError, match=r"시퀀스 \[1\]의 유효 길이 2 뒤에 진짜 토큰이 있습니다"):
            plot(batch, [2, 2])
    matplotlib.pyplot.close("all")
