"""seqlab.seq2seq and seqlab.attention: shapes, masking, greedy stopping, hand-computed scores, errors."""
import math

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from seqlab.attention import (
    SCORES,
    AttentionDecoder,
    ConcatScore,
    DotScore,
    GeneralScore,
    LocationScore,
    ScaledDotScore,
    attend,
    make_score,
    masked_softmax,
)
from seqlab.data import EOS_ID, PAD_ID, SOS_ID, build_vocab
from seqlab.seq2seq import (
    Decoder,
    EncoderDecoder,
    GRUDecoder,
    GRUEncoder,
    exact_match,
    greedy_decode,
    make_seq2seq_batch,
    masked_cross_entropy,
    strip_eos,
    token_accuracy,
)


def _vocabs():
    src = build_vocab([list("0123456789")], sos_eos=True)
    tgt = build_vocab([list("일이삼 만")], sos_eos=True)
    return src, tgt


def test_batch_shift_between_decoder_input_and_target():
    src_v, tgt_v = _vocabs()
    b = make_seq2seq_batch([(list("12"), list("일이")), (list("3"), list("삼"))], src_v, tgt_v)
    assert b.src.shape == (2, 2) and b.src_lengths.tolist() == [2, 1]
    assert b.tgt_in[:, 0].tolist() == [SOS_ID, SOS_ID]
    assert b.tgt_in[0, 1:].tolist() == b.tgt_out[0, :-1].tolist()  # shifted by one
    assert b.tgt_out[1].tolist() == [tgt_v.stoi["삼"], EOS_ID, PAD_ID]
    assert b.tgt_lengths.tolist() == [3, 2]


def test_batch_needs_sos_eos_vocab():
    src_v, _ = _vocabs()
    with pytest.raises(ValueError, match=r"목표 어휘\(tgt_vocab\)에 <sos>/<eos>가 없습니다\. build_vocab\(\.\.\., sos_eos=True\)"):
        make_seq2seq_batch([(["1"], ["1"])], src_v, build_vocab([["1"]]))


def test_masked_cross_entropy_matches_ignore_index_and_ignores_padding_values():
    torch.manual_seed(0)
    logits = torch.randn(3, 5, 7)  # (B, T, V)
    target = torch.tensor([[4, 5, 6, 1, 1], [4, 1, 1, 1, 1], [3, 2, 4, 5, 6]])  # pad_id = 1
    want = F.cross_entropy(logits.transpose(1, 2), target, ignore_index=1)
    assert torch.allclose(masked_cross_entropy(logits, target, pad_id=1), want, atol=1e-6)
    changed = logits.clone()
    changed[0, 3:] += 100.0  # logits at padded target positions must not matter
    assert torch.allclose(masked_cross_entropy(changed, target, pad_id=1), want, atol=1e-6)
    with pytest.raises(ValueError, match="target에 pad_id=1만 있어"):
        masked_cross_entropy(logits, torch.ones(3, 5, dtype=torch.long), pad_id=1)
    with pytest.raises(ValueError, match=r"target에는 모양 \(B, T\) = \(3, 5\)인 LongTensor"):
        masked_cross_entropy(logits, target[:, :4], pad_id=1)


def test_encoder_packed_final_state_ignores_padding():
    torch.manual_seed(0)
    enc = GRUEncoder(12, d_w=4, d_h=6)
    src = torch.tensor([[5, 6, 7], [8, 9, 0]])  # (B, S)
    memory, final = enc(src, torch.tensor([3, 2]))
    assert memory.shape == (2, 3, 6) and final.shape == (2, 6)
    assert torch.equal(memory[1, 2], torch.zeros(6))  # padded position
    alone_mem, alone_final = enc(src[1:, :2], torch.tensor([2]))
    assert torch.allclose(alone_final, final[1:], atol=1e-6)
    with pytest.raises(ValueError, match=r"GRUEncoder\.forward: src에는 모양 \(B, L\), batch_first인 토큰 id의 "
                                         r"LongTensor\(torch\.long\)가 와야 합니다\. 받은 값: torch\.float32 텐서"):
        enc(src.float(), torch.tensor([3, 2]))
    with pytest.raises(ValueError, match=r"d_h에는 짝수\(두 방향에 d_h // 2씩\)가 와야 합니다\. 받은 값: 5"):
        GRUEncoder(12, d_h=5)
    with pytest.raises(ValueError, match=r"src_lengths에는 시퀀스마다 하나씩, 배치 크기와 같은 2개의 길이가 와야 "
                                         r"합니다\(모양 \(B,\) = \(2,\)\)\. 받은 모양: \(3,\)"):
        enc(src, torch.tensor([3, 2, 1]))
    with pytest.raises(ValueError, match=r"src에 어휘 범위 \[0, vocab_size=12\) 밖의 id가 있습니다\. 받은 값: 12"):
        enc(torch.tensor([[5, 12]]), torch.tensor([2]))


class _Scripted(Decoder):
    """A decoder that emits a fixed script per row (to test the stopping logic)."""

    def __init__(self, script):
        super().__init__()
        self.script = torch.tensor(script)  # (B, T)
        self.dummy = nn.Parameter(torch.zeros(1))

    def init_state(self, memory, final, src_mask):
        return {"t": 0}

    def forward(self, tgt_in, state):
        t = state["t"]
        logits = F.one_hot(self.script[:, t], 10).float().unsqueeze(1)  # (B, 1, V)
        return logits, {"t": t + 1}


class _NullEncoder(nn.Module):
    def forward(self, src, lengths):
        return torch.zeros(src.shape[0], src.shape[1], 2), torch.zeros(src.shape[0], 2)


def test_greedy_decode_stops_per_sequence_and_pads_after_eos():
    script = [[5, EOS_ID, 6, 7], [5, 6, 7, 8], [EOS_ID, 9, 9, 9]]
    model = EncoderDecoder(_NullEncoder(), _Scripted(script))
    src = torch.ones(3, 2, dtype=torch.long)
    r = greedy_decode(model, src, torch.tensor([2, 2, 1]), max_len=4, pad_id=0)
    assert r.tokens.tolist() == [[5, EOS_ID, 0, 0], [5, 6, 7, 8], [EOS_ID, 0, 0, 0]]
    assert r.finished.tolist() == [True, False, True]
    r2 = greedy_decode(model, src, torch.tensor([2, 2, 1]), max_len=2, pad_id=9)
    assert r2.tokens.tolist() == [[5, EOS_ID], [5, 6], [EOS_ID, 9]]
    with pytest.raises(ValueError, match="max_len에는 1 이상의 정수"):
        greedy_decode(model, src, torch.tensor([2, 2, 1]), max_len=0)
    with pytest.raises(ValueError, match=r"sos_id\)과 끝 토큰\(eos_id\)의 id는 패딩 토큰\(pad_id\)의 id와 달라야 "
                                         r"합니다\. 받은 값: sos_id=2, eos_id=3, pad_id=3"):
        greedy_decode(model, src, torch.tensor([2, 2, 1]), max_len=2, pad_id=EOS_ID)
    with pytest.raises(TypeError, match="model에는 EncoderDecoder 모델이 와야 합니다. 받은 값: _NullEncoder 모듈"):
        greedy_decode(_NullEncoder(), src, torch.tensor([2, 2, 1]), max_len=2)


def test_greedy_decode_ends_early_when_all_finished():
    model = EncoderDecoder(_NullEncoder(), _Scripted([[EOS_ID, 5, 5], [4, EOS_ID, 5]]))
    r = greedy_decode(model, torch.ones(2, 1, dtype=torch.long), torch.tensor([1, 1]), max_len=3)
    assert r.tokens.shape == (2, 2) and r.attention is None


def test_metrics_exact_match_and_token_accuracy():
    target = torch.tensor([[4, 5, EOS_ID], [4, EOS_ID, 7]])  # pad_id = 7 for the second row's tail
    pred = torch.tensor([[4, 5, EOS_ID, 7], [4, 6, 7, 7]])
    assert exact_match(pred, target, pad_id=7).tolist() == [True, False]
    assert token_accuracy(pred, target, pad_id=7) == pytest.approx(3 / 5 + 0 * 1, abs=1e-9) or True
    assert token_accuracy(pred, target, pad_id=7) == pytest.approx(4 / 5)
    with pytest.raises(ValueError, match="exact_match: 배치 크기 B가 맞지 않습니다. pred: B=1, target: B=2"):
        exact_match(pred[:1], target)
    assert strip_eos([4, 5, EOS_ID, 6]) == [4, 5]


def test_teacher_forced_logits_match_step_by_step_decoding():
    torch.manual_seed(0)
    for dec in (GRUDecoder(9, d_w=4, d_h=6), AttentionDecoder(9, d_w=4, d_h=6, score="concat")):
        model = EncoderDecoder(GRUEncoder(11, d_w=4, d_h=6), dec).eval()
        src = torch.tensor([[5, 6, 7], [8, 9, 0]])
        lens = torch.tensor([3, 2])
        tgt_in = torch.tensor([[SOS_ID, 4, 5], [SOS_ID, 6, 7]])
        full = model(src, lens, tgt_in)  # (B, T, V)
        state = model.start(src, lens)
        steps = []
        for t in range(3):
            logits, state = model.decoder(tgt_in[:, t:t + 1], state)
            steps.append(logits)
        assert (torch.cat(steps, 1) - full).abs().max() < 1e-6
        assert full.shape == (2, 3, 9)


# ---------- attention ----------

def test_dot_and_scaled_dot_by_hand():
    q = torch.tensor([[[1.0, 2.0]]])  # (B=1, T=1, d=2)
    k = torch.tensor([[[3.0, 4.0], [1.0, 0.0]]])  # (1, S=2, 2)
    assert DotScore()(q, k).tolist() == [[[11.0, 1.0]]]
    assert torch.allclose(ScaledDotScore()(q, k), torch.tensor([[[11 / math.sqrt(2), 1 / math.sqrt(2)]]]))
    with pytest.raises(ValueError, match=r"query의 마지막 축 크기\(d_q\)와 keys의 마지막 축 크기\(d_k\)가 같아야 합니다\. 받은 크기: d_q=2, d_k=3"):
        DotScore()(q, torch.ones(1, 2, 3))


def test_general_concat_location_by_hand():
    q = torch.tensor([[[1.0, 2.0]]])
    k = torch.tensor([[[3.0, 4.0], [1.0, 0.0]]])
    g = GeneralScore(2, 2)
    with torch.no_grad():
        g.W_a.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 2.0]]))  # W_a = diag(1, 2)
    assert g(q, k).tolist() == [[[19.0, 1.0]]]  # [1,2]·[3,8] and [1,2]·[1,0]
    c = ConcatScore(2, 2, d_a=1)
    with torch.no_grad():
        c.W_q.weight.copy_(torch.tensor([[1.0, 0.0]]))
        c.W_k.weight.copy_(torch.tensor([[0.0, 1.0]]))
        c.W_k.bias.zero_()
        c.v_a.copy_(torch.tensor([2.0]))
    want = torch.tensor([[[2 * math.tanh(1 + 4), 2 * math.tanh(1 + 0)]]])
    assert torch.allclose(c(q, k), want, atol=1e-6)
    loc = LocationScore(2, max_len=3)
    with torch.no_grad():
        loc.W_a.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))
        loc.W_a.bias.zero_()
    assert loc(q, k).tolist() == [[[1.0, 2.0]]]  # keys' content ignored, cut to S = 2
    with pytest.raises(ValueError, match=r"입력 길이\(S\)는 max_len=3 이하여야 합니다\. 받은 값: S=4"):
        loc(q, torch.ones(1, 4, 2))


def test_concat_v_a_is_initialised_and_trainable():
    torch.manual_seed(0)
    c = ConcatScore(8, 8, d_a=16)
    assert torch.isfinite(c.v_a).all() and c.v_a.abs().max() <= 1 / math.sqrt(16) and c.v_a.abs().sum() > 0
    assert any(p is c.v_a for p in c.parameters())


def test_make_score_names_and_shapes():
    q, k = torch.randn(2, 3, 4), torch.randn(2, 5, 4)
    for name in SCORES:
        s = make_score(name, 4, max_len=6)
        assert s(q, k).shape == (2, 3, 5)
    with pytest.raises(ValueError, match=r"'location' 점수 함수를 만들려면 max_len 인자"):
        make_score("location", 4)
    with pytest.raises(ValueError, match=r"make_score: name에는 점수 함수 이름 'dot', .* 중 하나가 와야 합니다\. "
                                         r"받은 값: 'cosine'"):
        make_score("cosine", 4)
    with pytest.raises(TypeError, match=r"name에는 'dot', .* 중 하나인 문자열\(str\)이 와야 합니다"):
        make_score(3, 4)


def test_masked_softmax_exact_zero_and_length_one():
    scores = torch.tensor([[1.0, 2.0, 1000.0], [5.0, -3.0, 7.0]])  # big values in padding
    mask = torch.tensor([[True, True, False], [True, False, False]])
    w = masked_softmax(scores, mask)
    assert w[0, 2].item() == 0.0 and w[1, 1].item() == 0.0 and w[1, 2].item() == 0.0
    assert w[1, 0].item() == 1.0  # a sequence of length 1 gets all the weight
    assert torch.allclose(w[0, :2], torch.softmax(scores[0, :2], -1))
    w3 = masked_softmax(scores.unsqueeze(1).expand(2, 4, 3), mask)  # (B, T, S)
    assert torch.allclose(w3.sum(-1), torch.ones(2, 4)) and (w3[:, :, 2] == 0).all()


def test_masked_softmax_errors():
    with pytest.raises(ValueError, match=r"mask의 행 \[1\]에 True가 하나도 없습니다\(모두 패딩\)"):
        masked_softmax(torch.zeros(2, 3), torch.tensor([[True, False, False], [False, False, False]]))
    with pytest.raises(TypeError, match=r"mask에는 모양 \(B, S\)의 bool 텐서\(진짜 위치가 True\)가 와야 합니다\. "
                                        r"받은 값: torch\.float32 텐서"):
        masked_softmax(torch.zeros(2, 3), torch.ones(2, 3))
    with pytest.raises(ValueError, match=r"scores의 진짜 위치\(mask에서 True인 위치\) \(0, 1\)에 NaN이나 \+inf"):
        masked_softmax(torch.tensor([[0.0, float("nan")]]), torch.tensor([[True, True]]))
    with pytest.raises(ValueError, match=r"mask의 모양\(shape\)이 맞지 않습니다\. 필요한 모양: \(B, S\) = \(2, 3\), "
                                         r"받은 모양: \(2, 4\)"):
        masked_softmax(torch.zeros(2, 3), torch.ones(2, 4, dtype=torch.bool))


def test_attend_context_is_weighted_sum():
    keys = torch.tensor([[[1.0, 0.0], [0.0, 1.0], [9.0, 9.0]]])
    q = torch.tensor([[[0.0, 0.0]]])  # equal scores -> uniform over the 2 real positions
    ctx, w = attend(DotScore(), q, keys, torch.tensor([[True, True, False]]))
    assert torch.allclose(ctx, torch.tensor([[[0.5, 0.5]]])) and w[0, 0, 2] == 0


def test_attention_decoder_records_weights_in_greedy_decoding():
    torch.manual_seed(0)
    model = EncoderDecoder(GRUEncoder(11, d_w=4, d_h=6), AttentionDecoder(9, d_w=4, d_h=6, score="dot"))
    src = torch.tensor([[5, 6, 7], [8, 0, 0]])
    r = greedy_decode(model, src, torch.tensor([3, 1]), max_len=4)
    assert r.attention.shape == (2, r.tokens.shape[1], 3)
    assert (r.attention[1, :, 1:] == 0).all() and torch.allclose(r.attention.sum(-1), torch.ones(2, r.tokens.shape[1]))


# ---------- the number-reading experiments and the heatmap ----------

def test_reading_train_save_load_evaluate(tmp_path):
    from seqlab.reading import Config, evaluate, load_checkpoint, save_checkpoint, test_numbers, train_model

    for attention, tf in (("none", True), ("location", False)):
        cfg = Config(attention=attention, steps=2, batch_size=8)
        model, losses, curve = train_model(cfg, eval_every=2, val_size=20, teacher_forcing=tf)
        assert len(losses) == 2 and [s for s, _ in curve] == [1, 2]
        save_checkpoint(model, cfg, tmp_path / "m.pt", split="train")
        loaded, cfg2, meta = load_checkpoint(tmp_path / "m.pt")
        assert cfg2 == cfg and meta == {"split": "train"}
        for a, b in zip(model.state_dict().values(), loaded.state_dict().values()):
            assert (a - b).abs().max() < 1e-2  # half precision
        r = evaluate(loaded, test_numbers(30))
        assert 0 <= r["exact"] <= 1 and 0 <= r["token"] <= 1 and len(r["correct"]) == 30


def test_shipped_checkpoints_load_and_match_their_config():
    from seqlab.reading import CHECKPOINT_DIR, EXPERIMENTS, load_checkpoint

    for cfg in EXPERIMENTS:
        path = CHECKPOINT_DIR / f"{cfg.name()}.pt"
        assert path.exists(), f"missing {path}; run `make checkpoints`"
        _, loaded_cfg, meta = load_checkpoint(path)
        assert loaded_cfg == cfg and "split" in meta
    total = sum(p.stat().st_size for p in CHECKPOINT_DIR.glob("*.pt"))
    assert total < 750_000, total  # 18 small models and the three larger controls of 7장


def test_plot_attention_checks_shapes():
    import matplotlib

    matplotlib.use("Agg")
    from seqlab.viz import plot_attention

    ax = plot_attention(torch.full((2, 3), 1 / 3), list("123"), ["백", " "])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["백", "_"]
    with pytest.raises(ValueError, match=r"weights의 모양 \(T, S\) = \(2, 3\)"):
        plot_attention(torch.ones(2, 3), list("12"), ["a", "b"])
    with pytest.raises(ValueError, match=r"weights에는 모양 \(T, S\)인 2차원 텐서"):
        plot_attention(torch.ones(1, 2, 3), list("123"), ["a", "b"])


def test_reading_config_and_evaluate_reject_bad_input():
    from seqlab.reading import Config, build_model, evaluate

    with pytest.raises(ValueError, match="Config: attention에는 .* 중 하나가 와야 합니다"):
        Config(attention="cosine")
    with pytest.raises(ValueError, match="Config: steps에는 1 이상의 정수"):
        Config(steps=0)
    with pytest.raises(ValueError, match="Config: d_h에는 짝수가 와야 합니다. 받은 값: 33"):
        Config(d_h=33)
    with pytest.raises(ValueError, match="evaluate: numbers에는 숫자 문자열의 비어 있지 않은 리스트"):
        evaluate(build_model(Config()), [])
