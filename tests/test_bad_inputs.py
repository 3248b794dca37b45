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

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch
from torch import nn

from seqlab import attention as A
from seqlab import data as D
from seqlab import korean as K
from seqlab import lm as LM
from seqlab import models as M
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
    ("Vocab-itos-str", lambda: D.Vocab("<pad>ab"), TypeError, "itos must be a list of str tokens"),
    ("Vocab-itos-int", lambda: D.Vocab(["<pad>", 3]), TypeError, "item 1 is int"),
    ("Vocab.encode-str", lambda: _vocab().encode("a b"), TypeError, "list of tokens"),
    ("Vocab.encode-int-token", lambda: _vocab().encode([1, 2]), TypeError, "list of str tokens"),
    ("Vocab.encode-unknown", lambda: D.build_vocab([["a"]], unk=False).encode(["z"]), KeyError, "not in the vocabulary"),
    ("Vocab.decode-float", lambda: _vocab().decode([1.7]), TypeError, "ids must be ints"),
    ("Vocab.decode-float-tensor", lambda: _vocab().decode(torch.tensor([1.7, 2.0])), TypeError, "int token ids"),
    ("Vocab.decode-2d", lambda: _vocab().decode(torch.tensor([[1, 2]])), ValueError, "1-D"),
    ("Vocab.decode-str", lambda: _vocab().decode("12"), TypeError, "encode the text first"),
    ("Vocab.decode-range", lambda: _vocab().decode([99]), IndexError, "outside 0..5"),
    ("Vocab.decode-skip_pad", lambda: _vocab().decode([1], skip_pad="no"), TypeError, "skip_pad must be a bool"),
    ("build_vocab-str", lambda: D.build_vocab("a b c"), TypeError, "tokenised sentences"),
    ("build_vocab-flat", lambda: D.build_vocab(["a b"]), TypeError, "tokenised"),
    ("build_vocab-min_freq", lambda: D.build_vocab([["a"]], min_freq=0), ValueError, "min_freq"),
    ("build_vocab-unk", lambda: D.build_vocab([["a"]], unk="yes"), TypeError, "unk must be a bool"),
    ("pad_sequences-flat", lambda: D.pad_sequences([1, 2, 3]), TypeError, "flat list of ints"),
    ("pad_sequences-float", lambda: D.pad_sequences([[1.0, 2.0]]), TypeError, "must be int"),
    ("pad_sequences-str", lambda: D.pad_sequences("123"), TypeError, "list of sequences"),
    ("pad_sequences-empty", lambda: D.pad_sequences([]), ValueError, "empty batch"),
    ("pad_sequences-empty-seq", lambda: D.pad_sequences([[1], []]), ValueError, "sequence 1 is empty"),
    ("pad_sequences-pad_id", lambda: D.pad_sequences([[1]], pad_id=0.0), TypeError, "pad_id must be an int"),
    ("pad_sequences-max_len", lambda: D.pad_sequences([[1]], max_len=0), ValueError, "max_len"),
    ("pad_sequences-batch_first", lambda: D.pad_sequences([[1]], batch_first="yes"), TypeError, "batch_first"),
    ("pad_sequences-nested", lambda: D.pad_sequences([[[1, 2]]]), TypeError, "token ids must be int"),
    ("sort_by_length-str", lambda: D.sort_by_length("321"), TypeError, "lengths must be"),
    ("sort_by_length-float", lambda: D.sort_by_length([2.0, 1.0]), TypeError, "integers"),
    ("sort_by_length-zero", lambda: D.sort_by_length([2, 0]), ValueError, "positive"),
    ("sort_by_length-empty", lambda: D.sort_by_length([]), ValueError, "empty"),
    ("sort_by_length-nested", lambda: D.sort_by_length([[1, 2]]), ValueError, "1-D"),
    ("sort_by_length-descending", lambda: D.sort_by_length([1], descending=1), TypeError, "descending"),
    ("lengths_to_mask-float-tensor", lambda: D.lengths_to_mask(torch.tensor([1.5])), TypeError, "integers"),
    ("lengths_to_mask-max_len", lambda: D.lengths_to_mask([3], max_len=2), ValueError, "shorter than"),
    ("lengths_to_mask-max_len-float", lambda: D.lengths_to_mask([3], max_len=3.0), TypeError, "max_len"),
    ("lengths_to_mask-numpy-float", lambda: D.lengths_to_mask(np.array([1.0])), TypeError, "integers"),
    ("check_padded_batch-float", lambda: D.check_padded_batch(torch.zeros(1, 2), [2]), TypeError, "LongTensor"),
    ("check_padded_batch-B", lambda: D.check_padded_batch(torch.ones(2, 3, dtype=torch.long), [3]), ValueError,
     "batch_first"),
    ("check_padded_batch-list", lambda: D.check_padded_batch([[1]], [1]), TypeError, "torch.Tensor"),
    ("packed_batch_sizes-float", lambda: D.packed_batch_sizes([1.5]), TypeError, "integers"),
    # ---------------------------------------------------------------- models
    ("ScratchRNNCell-size", lambda: M.ScratchRNNCell(0, 3), ValueError, "input_size must be an int >= 1"),
    ("ScratchRNNCell-float", lambda: M.ScratchRNNCell(2.0, 3), TypeError, "input_size must be an int"),
    ("ScratchRNNCell-x", lambda: M.ScratchRNNCell(2, 3)(torch.zeros(1, 4), torch.zeros(1, 3)), ValueError,
     r"x must have shape \(B, 2\)"),
    ("ScratchRNNCell-h", lambda: M.ScratchRNNCell(2, 3)(torch.zeros(1, 2), torch.zeros(2, 3)), ValueError,
     r"h must have shape \(B, 3\)"),
    ("ScratchRNNCell-int-x", lambda: M.ScratchRNNCell(2, 3)(torch.zeros(1, 2, dtype=torch.long),
                                                             torch.zeros(1, 3)), TypeError, "float"),
    ("ScratchRNNCell-empty", lambda: M.ScratchRNNCell(2, 3)(torch.zeros(0, 2), torch.zeros(0, 3)), ValueError,
     "empty batch"),
    ("ScratchLSTMCell-state", lambda: M.ScratchLSTMCell(2, 3)(torch.zeros(1, 2), torch.zeros(1, 3)), TypeError,
     r"tuple \(h, c\)"),
    ("ScratchLSTMCell-c", lambda: M.ScratchLSTMCell(2, 3)(torch.zeros(1, 2), (torch.zeros(1, 3), torch.zeros(1, 4))),
     ValueError, "c must have the shape of h"),
    ("ScratchGRUCell-h-type", lambda: M.ScratchGRUCell(2, 3)(torch.zeros(1, 2), [0, 0, 0]), TypeError,
     "h must be a torch.Tensor"),
    ("unroll-cell", lambda: M.unroll(nn.Linear(2, 2), torch.zeros(1, 2, 2)), TypeError, "cell must be"),
    ("unroll-x-2d", lambda: M.unroll(M.ScratchRNNCell(2, 3), torch.zeros(2, 2)), ValueError, "3-D"),
    ("unroll-d_in", lambda: M.unroll(M.ScratchRNNCell(2, 3), torch.zeros(1, 4, 5)), ValueError, "d_in"),
    ("unroll-empty", lambda: M.unroll(M.ScratchRNNCell(2, 3), torch.zeros(1, 0, 2)), ValueError, "empty"),
    ("last_real_state-str", lambda: M.last_real_state(torch.zeros(2, 3, 4), "32"), TypeError, "lengths must be"),
    ("last_real_state-B", lambda: M.last_real_state(torch.zeros(2, 3, 4), [1, 2, 3]), ValueError, "batch_first"),
    ("last_real_state-L", lambda: M.last_real_state(torch.zeros(2, 3, 4), [1, 4]), ValueError, "1..L=3"),
    ("make_rnn-kind", lambda: M.make_rnn("transformer", 2, 3), ValueError, "kind must be one of"),
    ("make_rnn-kind-type", lambda: M.make_rnn(["gru"], 2, 3), ValueError, "kind must be one of"),
    ("SequenceClassifier-kind", lambda: M.SequenceClassifier(5, 2, kind="cnn"), ValueError, "kind"),
    ("SequenceClassifier-pad", lambda: M.SequenceClassifier(5, 2, pad_id=5), ValueError, "pad_id"),
    ("SequenceClassifier-ids", lambda: M.SequenceClassifier(5, 2)(torch.tensor([[1, 9]]), [2]), ValueError,
     "outside"),
    ("SequenceClassifier-float-lengths",
     lambda: M.SequenceClassifier(5, 2)(torch.tensor([[1, 2]]), torch.tensor([1.5])), TypeError, "integers"),
    ("SequenceClassifier-str-lengths", lambda: M.SequenceClassifier(5, 2)(torch.tensor([[1, 2]]), "2"), TypeError,
     "lengths must be"),
    ("SequenceClassifier-B", lambda: M.SequenceClassifier(5, 2)(torch.tensor([[1, 2]]), [2, 2]), ValueError,
     r"\(B,\) = \(1,\)"),
    ("SequenceClassifier-empty", lambda: M.SequenceClassifier(5, 2)(torch.zeros(0, 3, dtype=torch.long), [1]),
     ValueError, "empty"),
    ("SequenceTagger-bidirectional", lambda: M.SequenceTagger(5, 2, bidirectional=True)(torch.tensor([[1]])),
     ValueError, "needs lengths"),
    # ---------------------------------------------------------------- lm
    ("RecurrentLM-vocab", lambda: LM.RecurrentLM(1), ValueError, "vocab_size"),
    ("RecurrentLM-kind", lambda: LM.RecurrentLM(5, kind="cnn"), ValueError, "kind"),
    ("RecurrentLM-dropout", lambda: LM.RecurrentLM(5, dropout=1.0), ValueError, "dropout"),
    ("RecurrentLM-dropout-one-layer", lambda: LM.RecurrentLM(5, dropout=0.2), ValueError, "would do nothing"),
    ("RecurrentLM-dropout-str", lambda: LM.RecurrentLM(5, dropout="0.1"), TypeError, "dropout"),
    ("RecurrentLM-idx", lambda: LM.RecurrentLM(5, 4, 4)(torch.tensor([[1, 5]])), ValueError, "id 5 outside"),
    ("RecurrentLM-state-int", lambda: LM.RecurrentLM(5, 4, 4)(torch.ones(1, 2, dtype=torch.long),
                                                             torch.zeros(1, 1, 4, dtype=torch.long)), TypeError,
     "float"),
    ("next_token_probs-nan", lambda: LM.next_token_probs(torch.tensor([0.0, math.nan])), ValueError, "NaN"),
    ("next_token_probs-all-neg-inf", lambda: LM.next_token_probs(torch.full((3,), -math.inf)), ValueError,
     "-inf everywhere"),
    ("next_token_probs-temp-str", lambda: LM.next_token_probs(torch.zeros(3), "1"), ValueError, "temperature"),
    ("next_token_probs-top_k", lambda: LM.next_token_probs(torch.zeros(3), top_k=4), ValueError, "top_k"),
    ("generate-eos", lambda: LM.generate(LM.RecurrentLM(5, 4, 4), [1], 2, eos_id=5), ValueError, "eos_id"),
    ("generate-eos-neg", lambda: LM.generate(LM.RecurrentLM(5, 4, 4), [1], 2, eos_id=-1), ValueError, "eos_id"),
    ("generate-prefix-range", lambda: LM.generate(LM.RecurrentLM(5, 4, 4), [7], 2), ValueError, "outside"),
    ("generate-prefix-flat-str", lambda: LM.generate(LM.RecurrentLM(5, 4, 4), "12", 2), TypeError, "encode"),
    ("generate-model", lambda: LM.generate("model", [1], 2), TypeError, "nn.Module"),
    ("generate-greedy", lambda: LM.generate(LM.RecurrentLM(5, 4, 4), [1], 2, greedy=1), TypeError, "greedy"),
    ("bits_per_token-neg", lambda: LM.bits_per_token(-1.0), ValueError, "loss"),
    ("bits_per_token-nan", lambda: LM.bits_per_token(np.float32("nan")), ValueError, "loss"),
    ("perplexity-vector", lambda: LM.perplexity(torch.ones(3)), ValueError, "one number"),
    ("bptt_batches-2d", lambda: LM.bptt_batches(torch.zeros(2, 3, dtype=torch.long), 1, 2), TypeError, "1-D"),
    ("bptt_batches-floats", lambda: LM.bptt_batches([1.0, 2.0, 3.0], 1, 2), TypeError, "int ids"),
    ("detach_state-list", lambda: LM.detach_state([torch.zeros(1)]), TypeError, "state must be"),
    ("detach_state-tuple-of-str", lambda: LM.detach_state(("h", "c")), TypeError, "state must be"),
    ("train_lm-lr0", lambda: LM.train_lm(LM.RecurrentLM(5, 4, 4), [1, 2, 3, 4] * 5, steps=1, lr=0), ValueError,
     "lr must be a finite number > 0"),
    ("train_lm-clip-True", lambda: LM.train_lm(LM.RecurrentLM(5, 4, 4), [1, 2, 3] * 5, steps=1, clip=True),
     TypeError, "clip"),
    ("train_lm-steps", lambda: LM.train_lm(LM.RecurrentLM(5, 4, 4), [1, 2, 3] * 5, steps=0), ValueError, "steps"),
    ("evaluate_lm-no-parameters", lambda: LM.evaluate_lm(nn.ReLU(), [1, 2, 3]), TypeError, "no parameters"),
    ("generate-no-parameters", lambda: LM.generate(nn.ReLU(), [1], 2), TypeError, "no parameters"),
    ("evaluate_lm-model", lambda: LM.evaluate_lm(None, [1, 2, 3]), TypeError, "nn.Module"),
    # ---------------------------------------------------------------- korean
    ("split_by_position-frac", lambda: K.split_by_position("abcdef", 1.5), ValueError, "val_fraction"),
    ("split_by_position-short", lambda: K.split_by_position("a", 0.5), ValueError, "too few"),
    ("split_by_position-int", lambda: K.split_by_position(123), TypeError, "seq must be"),
    ("to_jamo-bytes", lambda: K.to_jamo(b"abc"), TypeError, "text must be a str"),
    ("from_jamo-invalid", lambda: K.from_jamo("\u1100"), ValueError, "position 0"),
    ("from_jamo-strict", lambda: K.from_jamo("a", strict="no"), TypeError, "strict"),
    ("invalid_jamo_positions-int", lambda: K.invalid_jamo_positions(3), TypeError, "text must be a str"),
    ("is_hangul_syllable-two", lambda: K.is_hangul_syllable("가나"), TypeError, "single character"),
    # ---------------------------------------------------------------- timeseries
    ("load_msft-start-int", lambda: TS.load_msft(start=2010), TypeError, "start must be a date"),
    ("load_msft-end-bad", lambda: TS.load_msft(end="yesterday-ish"), ValueError, "end must be a date"),
    ("LinearAR-predict-unfitted", lambda: TS.LinearAR().predict(WINDOWS), RuntimeError, "not fitted"),
    ("LinearAR-predict-shape", lambda: TS.LinearAR().fit(WINDOWS, np.zeros(4)).predict(np.zeros((2, 4, 2))),
     ValueError, "as in fit"),
    ("split_points-short", lambda: TS.split_points(2), ValueError, "length"),
    ("split_points-frac", lambda: TS.split_points(100, train=1.2), ValueError, "fraction"),
    ("make_windows-str", lambda: TS.make_windows("123", 2), TypeError, "series"),
    ("make_windows-nan", lambda: TS.make_windows([1.0, math.nan, 2.0, 3.0], 2), ValueError, "NaN"),
    ("make_windows-window-float", lambda: TS.make_windows(SERIES, 2.0), TypeError, "window must be an int"),
    ("make_windows-too-long", lambda: TS.make_windows(SERIES, 20), ValueError, "no window fits"),
    ("make_windows-target", lambda: TS.make_windows(SERIES, 2, target=3), IndexError, "target column 3"),
    ("make_windows-stop", lambda: TS.make_windows(SERIES, 2, stop=30), ValueError, "past the end"),
    ("Scaler-method", lambda: TS.Scaler("robust"), ValueError, "method"),
    ("Scaler-unfitted", lambda: TS.Scaler().transform([1.0]), RuntimeError, "not fitted"),
    ("Scaler-features", lambda: TS.Scaler().fit(np.zeros((5, 2))).transform(np.zeros(3)), ValueError, "2 features"),
    ("Scaler-column", lambda: TS.Scaler().fit(np.zeros((5, 2))).transform(np.zeros(3), column=4), IndexError,
     "column 4"),
    ("persistence-2d", lambda: TS.persistence(np.zeros((3, 2))), ValueError, r"\(N, T, F\)"),
    ("persistence-target", lambda: TS.persistence(WINDOWS, target=5), IndexError, "target column 5"),
    ("persistence-empty", lambda: TS.persistence(np.zeros((0, 3, 2))), ValueError, "empty"),
    ("seasonal_naive-season", lambda: TS.seasonal_naive(WINDOWS, 4), ValueError, "longer than the window"),
    ("LinearAR-rows", lambda: TS.LinearAR().fit(WINDOWS, np.zeros(3)), ValueError, "rows"),
    ("mae-shape", lambda: TS.mae([1.0, 2.0], [1.0]), ValueError, "same shape"),
    ("rmse-str", lambda: TS.rmse("12", "12"), TypeError, "y_true"),
    ("mase-season", lambda: TS.mase([1.0], [1.0], [1.0, 2.0], season=2), ValueError, "longer than season"),
    # ---------------------------------------------------------------- train
    ("fit-model", lambda: TR.fit("m", lambda s: (0, 0), None, steps=1, clip=None), TypeError, "nn.Module"),
    ("fit-clip-True", lambda: TR.fit(nn.Linear(1, 1), lambda s: (0, 0), nn.MSELoss(), steps=1, clip=True),
     TypeError, "clip"),
    ("fit-lr0", lambda: TR.fit(nn.Linear(1, 1), lambda s: (0, 0), nn.MSELoss(), steps=1, clip=None, lr=0),
     ValueError, "lr"),
    ("fit-steps-float", lambda: TR.fit(nn.Linear(1, 1), lambda s: (0, 0), nn.MSELoss(), steps=2.0, clip=None),
     TypeError, "steps must be an int"),
    ("accuracy-float-target", lambda: TR.accuracy(torch.zeros(2, 3), torch.zeros(2)), TypeError, "class ids"),
    ("accuracy-shape", lambda: TR.accuracy(torch.zeros(2, 3), torch.zeros(3, dtype=torch.long)), ValueError,
     "class axis"),
    ("accuracy-all-ignored", lambda: TR.accuracy(torch.zeros(2, 3), torch.full((2,), -100)), ValueError,
     "ignore_index"),
    ("set_remember_bias-rnn", lambda: TR.set_remember_bias(nn.RNN(2, 3), 1.0), TypeError, "nn.LSTM or nn.GRU"),
    ("set_remember_bias-no-bias", lambda: TR.set_remember_bias(nn.LSTM(2, 3, bias=False), 1.0), ValueError,
     "bias=False"),
    ("set_remember_bias-nan", lambda: TR.set_remember_bias(nn.GRU(2, 3), math.nan), ValueError, "value"),
    ("count_parameters-str", lambda: TR.count_parameters("m"), TypeError, "nn.Module"),
    ("long_dependency-lengths", lambda: TR.long_dependency_experiment("rnn", "35", clip=None), TypeError,
     "non-empty list"),
    ("long_dependency-lr", lambda: TR.long_dependency_experiment("rnn", [3], clip=None, lr=-1.0), ValueError,
     "lr"),
    # ---------------------------------------------------------------- tasks
    ("majority_task-gen", lambda: TK.majority_task(3), ValueError, "torch.Generator"),
    ("majority_task-vocab", lambda: TK.majority_task(3, vocab_size=2, generator=G()), ValueError, "vocab_size"),
    ("majority_task-lens", lambda: TK.majority_task(3, min_len=5, max_len=2, generator=G()), ValueError,
     "min_len <= max_len"),
    ("running_majority_task-ignore", lambda: TK.running_majority_task(3, generator=G(), ignore_index=1),
     ValueError, "real label"),
    ("first_token_task-length", lambda: TK.first_token_task(3, 0, generator=G()), ValueError, "length"),
    # ---------------------------------------------------------------- numbers
    ("read_korean-neg", lambda: NUM.read_korean(-5), ValueError, "non-negative"),
    ("read_korean-float", lambda: NUM.read_korean(5.0), TypeError, "int or a digit string"),
    ("read_korean-lead0", lambda: NUM.read_korean("007"), ValueError, "leading zero"),
    ("read_korean-arabic", lambda: NUM.read_korean("١٢"), ValueError, "digits 0-9"),
    ("read_korean-long", lambda: NUM.read_korean("1" * 17), ValueError, "at most 16"),
    ("number_split-abc", lambda: NUM.number_split("abc"), ValueError, "digits 0-9"),
    ("number_split-empty", lambda: NUM.number_split(""), ValueError, "digits 0-9"),
    ("number_split-lead0", lambda: NUM.number_split("007"), ValueError, "leading zero"),
    ("number_split-arabic", lambda: NUM.number_split("١٢٣"), ValueError, "digits 0-9"),
    ("number_split-int", lambda: NUM.number_split(7), TypeError, "digits must be a str"),
    ("number_split-percent", lambda: NUM.number_split("7", val_percent=60, test_percent=50), ValueError,
     "sum below 100"),
    ("sample_numbers-split", lambda: NUM.sample_numbers(3, "dev"), ValueError, "split"),
    ("sample_numbers-count", lambda: NUM.sample_numbers(0, "train"), ValueError, "count"),
    ("sample_numbers-seed", lambda: NUM.sample_numbers(3, "train", seed=1.5), TypeError, "seed"),
    ("number_pairs-str", lambda: NUM.number_pairs("123"), TypeError, "wrap it in a list"),
    ("number_pairs-int", lambda: NUM.number_pairs([123]), TypeError, "digit string"),
    ("number_pairs-bad", lambda: NUM.number_pairs(["12a"]), ValueError, "digits 0-9"),
    # ---------------------------------------------------------------- seq2seq (masked_cross_entropy: tests of its own)
    ("make_seq2seq_batch-empty", lambda: S2S.make_seq2seq_batch([], _vocab(), _vocab()), ValueError, "non-empty"),
    ("make_seq2seq_batch-vocab", lambda: S2S.make_seq2seq_batch([(["a"], ["b"])], _vocab(), {"a": 1}), TypeError,
     "Vocab"),
    ("make_seq2seq_batch-no-sos", lambda: S2S.make_seq2seq_batch([(["a"], ["b"])], _vocab(),
                                                                  D.build_vocab([["b"]])), ValueError, "sos_eos"),
    ("make_seq2seq_batch-pair", lambda: S2S.make_seq2seq_batch([(["a"],)], _vocab(), _vocab()), ValueError,
     "pair 0"),
    ("GRUEncoder-odd", lambda: S2S.GRUEncoder(8, d_h=5), ValueError, "even"),
    ("GRUEncoder-pad", lambda: S2S.GRUEncoder(8, pad_id=8), ValueError, "pad_id"),
    ("GRUEncoder-vocab-float", lambda: S2S.GRUEncoder(8.0), TypeError, "vocab_size must be an int"),
    ("GRUEncoder-float-lengths", lambda: _enc()(SRC, torch.tensor([3.0, 2.0])), TypeError, "integers"),
    ("GRUEncoder-list-float-lengths", lambda: _enc()(SRC, [2.5, 2]), TypeError, "integers"),
    ("GRUEncoder-lengths-B", lambda: _enc()(SRC, torch.tensor([3])), ValueError, r"\(B,\) = \(2,\)"),
    ("GRUEncoder-lengths-L", lambda: _enc()(SRC, torch.tensor([4, 2])), ValueError, "1..L=3"),
    ("GRUEncoder-ids", lambda: _enc()(torch.tensor([[9, 1]]), torch.tensor([2])), ValueError, "outside"),
    ("GRUEncoder-float-src", lambda: _enc()(SRC.float(), SRC_LEN), ValueError, "LongTensor"),
    ("GRUDecoder-init-final", lambda: _dec().init_state(torch.zeros(2, 3, 6), torch.zeros(2, 4),
                                                        torch.ones(2, 3, dtype=torch.bool)), ValueError, "d_h=6"),
    ("GRUDecoder-init-mask", lambda: _dec().init_state(torch.zeros(2, 3, 6), torch.zeros(2, 6),
                                                       torch.ones(2, 3)), TypeError, "src_mask"),
    ("GRUDecoder-init-B", lambda: _dec().init_state(torch.zeros(3, 3, 6), torch.zeros(2, 6),
                                                    torch.ones(2, 3, dtype=torch.bool)), ValueError, "disagree"),
    ("GRUDecoder-forward-B", lambda: _dec()(torch.tensor([[2]]), _state()), ValueError, "same B"),
    ("GRUDecoder-forward-state", lambda: _dec()(TGT, {"x": 1}), TypeError, "init_state"),
    ("GRUDecoder-forward-ids", lambda: _dec()(torch.tensor([[2, 9], [2, 2]]), _state()), ValueError, "outside"),
    ("EncoderDecoder-modules", lambda: S2S.EncoderDecoder(_enc(), "decoder"), TypeError, "decoder"),
    ("EncoderDecoder-B", lambda: _model()(SRC, SRC_LEN, TGT[:1]), ValueError, "B=2 rows but tgt_in has B=1"),
    ("EncoderDecoder-d_h", lambda: S2S.EncoderDecoder(_enc(), S2S.GRUDecoder(9, d_h=8))(SRC, SRC_LEN, TGT),
     ValueError, "decoder expects d_h=8"),
    ("EncoderDecoder-lengths-str", lambda: _model()(SRC, "32", TGT), TypeError, "src_lengths must be"),
    ("greedy_decode-max_len", lambda: S2S.greedy_decode(_model(), SRC, SRC_LEN, max_len=0), ValueError, "max_len"),
    ("greedy_decode-model", lambda: S2S.greedy_decode(nn.Linear(1, 1), SRC, SRC_LEN, max_len=2), TypeError,
     "EncoderDecoder"),
    ("greedy_decode-eos", lambda: S2S.greedy_decode(_model(), SRC, SRC_LEN, max_len=2, eos_id=9), ValueError,
     "eos_id"),
    ("greedy_decode-sos-pad", lambda: S2S.greedy_decode(_model(), SRC, SRC_LEN, max_len=2, sos_id=0), ValueError,
     "must differ"),
    ("free_running_logits-steps", lambda: S2S.free_running_logits(_model(), SRC, SRC_LEN, 0), ValueError, "steps"),
    ("exact_match-B", lambda: S2S.exact_match(TGT, TGT[:1]), ValueError, "rows"),
    ("exact_match-float", lambda: S2S.exact_match(TGT.float(), TGT), ValueError, "LongTensor"),
    ("token_accuracy-pad", lambda: S2S.token_accuracy(TGT, torch.zeros_like(TGT)), ValueError, "only pad_id"),
    ("token_accuracy-pad-float", lambda: S2S.token_accuracy(TGT, TGT, pad_id=0.5), TypeError, "pad_id"),
    ("strip_eos-str", lambda: S2S.strip_eos("123"), TypeError, "row"),
    ("strip_eos-float", lambda: S2S.strip_eos([4.0, 3.0]), TypeError, "row"),
    # ---------------------------------------------------------------- attention
    ("DotScore-size", lambda: A.DotScore()(torch.zeros(1, 2, 3), torch.zeros(1, 4, 5)), ValueError, "query size"),
    ("DotScore-B", lambda: A.DotScore()(torch.zeros(1, 2, 3), torch.zeros(2, 4, 3)), ValueError, "B=1"),
    ("DotScore-int", lambda: A.DotScore()(torch.zeros(1, 2, 3, dtype=torch.long), torch.zeros(1, 4, 3)), TypeError,
     "floating-point"),
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
    ("make_score-name", lambda: A.make_score("cosine", 4), ValueError, "unknown score"),
    ("make_score-name-type", lambda: A.make_score(3, 4), TypeError, "name must be one of"),
    ("make_score-location", lambda: A.make_score("location", 4), ValueError, "max_len"),
    ("make_score-d_h", lambda: A.make_score("general", 4.0), TypeError, "d_h"),
    ("masked_softmax-nan-real", lambda: A.masked_softmax(torch.tensor([[math.nan, 0.0]]),
                                                         torch.tensor([[True, True]])), ValueError, "NaN"),
    ("masked_softmax-mask-dtype", lambda: A.masked_softmax(torch.zeros(1, 2), torch.ones(1, 2)), TypeError, "bool"),
    ("masked_softmax-empty-row", lambda: A.masked_softmax(torch.zeros(2, 2), torch.tensor([[True, False],
                                                                                            [False, False]])),
     ValueError, "fully padded"),
    ("masked_softmax-empty-batch", lambda: A.masked_softmax(torch.zeros(0, 2), torch.ones(0, 2, dtype=torch.bool)),
     ValueError, "empty"),
    ("masked_softmax-int", lambda: A.masked_softmax(torch.zeros(1, 2, dtype=torch.long),
                                                    torch.ones(1, 2, dtype=torch.bool)), TypeError, "floating"),
    ("attend-score", lambda: A.attend("dot", torch.zeros(1, 2, 3), torch.zeros(1, 4, 3),
                                      torch.ones(1, 4, dtype=torch.bool)), TypeError, "score must be"),
    ("attend-mask", lambda: A.attend(A.DotScore(), torch.zeros(1, 2, 3), torch.zeros(1, 4, 3),
                                     torch.ones(1, 3, dtype=torch.bool)), ValueError, r"\(B, S\)"),
    ("AttentionDecoder-score", lambda: A.AttentionDecoder(9, score=3), TypeError, "score must be"),
    ("AttentionDecoder-memory", lambda: A.AttentionDecoder(9, d_h=6, score="dot")(
        TGT, A.AttentionDecoder(9, d_h=6).init_state(torch.zeros(2, 3, 4), torch.zeros(2, 6),
                                                    torch.ones(2, 3, dtype=torch.bool))), ValueError, "memory"),
    # ---------------------------------------------------------------- devices (the meta device stands in for a GPU)
    ("RecurrentLM-device", lambda: LM.RecurrentLM(5, 4, 4)(torch.ones(1, 2, dtype=torch.long, device="meta")),
     ValueError, "idx is on meta but the model is on cpu"),
    ("SequenceClassifier-device", lambda: M.SequenceClassifier(5, 2)(torch.ones(1, 2, dtype=torch.long,
                                                                                device="meta"), [2]),
     ValueError, "batch is on meta"),
    ("GRUEncoder-device", lambda: _enc()(SRC.to("meta"), SRC_LEN), ValueError, "src is on meta"),
    ("GRUDecoder-device", lambda: _dec()(TGT.to("meta"), _state()), ValueError, "tgt_in is on meta"),
    ("DotScore-device", lambda: A.DotScore()(torch.zeros(1, 2, 3), torch.zeros(1, 4, 3, device="meta")),
     ValueError, "keys are on meta"),
    ("masked_softmax-device", lambda: A.masked_softmax(torch.zeros(1, 2),
                                                       torch.ones(1, 2, dtype=torch.bool, device="meta")),
     ValueError, "mask is on meta"),
    ("exact_match-device", lambda: S2S.exact_match(TGT, TGT.to("meta")), ValueError, "target is on meta"),
    ("accuracy-device", lambda: TR.accuracy(torch.zeros(2, 3), torch.zeros(2, dtype=torch.long, device="meta")),
     ValueError, "target is on meta"),
    # ---------------------------------------------------------------- reading (the chapter 7-8 runs)
    ("Config-lr0", lambda: RD.Config(lr=0), ValueError, "Config.lr must be a finite number > 0"),
    ("Config-lr-neg", lambda: RD.Config(lr=-1e-3), ValueError, "Config.lr"),
    ("Config-clip", lambda: RD.Config(clip=0.0), ValueError, "Config.clip"),
    ("Config-seed", lambda: RD.Config(seed=1.5), TypeError, "Config.seed must be an int"),
    ("Config-attention", lambda: RD.Config(attention="cosine"), ValueError, "Config.attention"),
    # ---------------------------------------------------------------- viz
    ("plot_padded_batch-lengths", lambda: VZ.plot_padded_batch(torch.ones(2, 3, dtype=torch.long), "33"), TypeError,
     "lengths must be"),
    ("plot_padded_batch-show_ids", lambda: VZ.plot_padded_batch(torch.ones(1, 3, dtype=torch.long), [3],
                                                                show_ids="yes"), TypeError, "show_ids"),
    ("plot_packing-B", lambda: VZ.plot_packing(torch.ones(2, 3, dtype=torch.long), [3]), ValueError,
     "batch_first"),
    ("plot_attention-tokens", lambda: VZ.plot_attention(torch.zeros(2, 3), ["a", "b"], ["x", "y"]), ValueError,
     "source tokens"),
    ("plot_attention-str", lambda: VZ.plot_attention(torch.zeros(2, 3), "abc", ["x", "y"]), TypeError,
     "src_tokens"),
    ("plot_unrolled_rnn-steps", lambda: VZ.plot_unrolled_rnn(0), ValueError, "steps"),
    ("plot_h_n_layout-dirs", lambda: VZ.plot_h_n_layout(2, 3), ValueError, "num_dirs"),
    ("plot_h_n_layout-dirs-bool", lambda: VZ.plot_h_n_layout(2, True), ValueError, "num_dirs"),
    # ---------------------------------------------------------------- repro
    ("seed_everything-float", lambda: R.seed_everything(1.5), TypeError, "seed must be an int"),
    ("setup_notebook-threads", lambda: R.setup_notebook(threads=0), ValueError, "threads"),
    ("progress-desc", lambda: R.progress(range(3), desc=3), TypeError, "desc"),
    ("progress-total", lambda: R.progress(range(3), total=-1), ValueError, "total"),
    ("progress-iterable", lambda: R.progress(5), TypeError, "iterable"),
]


@pytest.mark.parametrize("call, err, fragment", [row[1:] for row in BAD], ids=[row[0] for row in BAD])
def test_bad_input_raises_a_named_error(call, err, fragment):
    with pytest.raises(err, match=fragment) as info:
        call()
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
    with pytest.raises(err, match=r"f: n must be an int >= 1, got"):
        V.check_int(value, "n", minimum=1, where="f")


def test_check_number_and_positive():
    assert V.check_number(np.float32(0.5), "x") == 0.5
    assert V.check_positive(torch.tensor(2.0), "lr") == 2.0
    for bad, err in [(math.nan, ValueError), (math.inf, ValueError), (0, ValueError), (True, TypeError),
                     ("1", TypeError)]:
        with pytest.raises(err, match="lr must be a finite number > 0"):
            V.check_positive(bad, "lr")
    assert V.check_number(math.inf, "x", finite=False) == math.inf
    assert V.check_fraction(0.3, "p") == 0.3
    with pytest.raises(ValueError, match="< 1"):
        V.check_fraction(1, "p")


def test_check_tensor_names_shape_dtype_and_device():
    x = torch.zeros(2, 3)
    assert V.check_tensor(x, "x", shape=(None, 3), dtype="float") is x
    with pytest.raises(ValueError, match=r"x must have shape \(B, d\) = \(·, 4\), got \(2, 3\)"):
        V.check_tensor(x, "x", shape=(None, 4), layout="(B, d)")
    with pytest.raises(TypeError, match="x must have dtype torch.long"):
        V.check_tensor(x, "x", dtype="long")
    with pytest.raises(ValueError, match="must be on meta"):
        V.check_tensor(x, "x", device="meta")
    with pytest.raises(ValueError, match="empty"):
        V.check_tensor(torch.zeros(0, 3), "x")
    with pytest.raises(ValueError, match="NaN"):
        V.check_tensor(torch.tensor([math.nan]), "x", finite=True)
    with pytest.raises(TypeError, match=r"x must be a torch.Tensor \(tensor of shape \(B, L\)\), got a list"):
        V.check_tensor([1], "x", layout="(B, L)")


def test_check_lengths_sequences_ids_and_choice():
    assert V.check_lengths(np.array([3, 1])).tolist() == [3, 1]
    assert V.check_lengths((2, 2), batch_size=2, max_len=2).dtype == torch.long
    with pytest.raises(TypeError, match="got a str"):
        V.check_lengths("32")
    assert V.check_sequences([[1, 2], torch.tensor([3])]) == [[1, 2], [3]]
    with pytest.raises(TypeError, match="flat list of ints"):
        V.check_sequences([1, 2])
    assert V.check_ids(np.array([1, 2]), "ids") == [1, 2]
    with pytest.raises(IndexError, match="outside"):
        V.check_ids([5], "ids", vocab_size=5)
    assert V.check_choice("gru", "kind", ("rnn", "gru")) == "gru"
    with pytest.raises(ValueError, match="kind must be one of 'rnn', 'gru', got 'cnn'"):
        V.check_choice("cnn", "kind", ("rnn", "gru"))
    with pytest.raises(TypeError, match="kind must be one of"):
        V.check_choice(3, "kind", ("rnn", "gru"))
    assert V.check_digits("0", "n") == "0"
    assert V.check_bool(np.bool_(True), "b") is True


def test_lookup_errors_are_value_errors_too():
    assert issubclass(V.IdOutOfRangeError, IndexError) and issubclass(V.IdOutOfRangeError, ValueError)
    assert issubclass(V.UnknownTokenError, KeyError) and issubclass(V.UnknownTokenError, ValueError)
    assert str(V.UnknownTokenError("token 'z' is unknown")) == "token 'z' is unknown"  # no quotes around it


def test_describe():
    assert V.describe(torch.zeros(2, dtype=torch.long)) == "a torch.int64 tensor of shape (2,) on cpu"
    assert V.describe("x" * 100).endswith("...)")
    assert V.describe([]) == "an empty list"
