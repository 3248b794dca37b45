"""seqlab.data: behaviour on good input and clear errors on bad input."""
import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence

import seqlab
from seqlab.data import (
    SENTENCES,
    TOY_BATCH,
    Vocab,
    build_vocab,
    check_padded_batch,
    lengths_to_mask,
    packed_batch_sizes,
    pad_sequences,
    sort_by_length,
)


def test_toy_batch_matches_the_course_numbers():
    lengths = [len(s) for s in TOY_BATCH]
    assert lengths == [20, 5, 8, 10, 15, 18, 17, 6, 6, 18]
    assert sum(lengths) == 123
    assert all(1 <= t < seqlab.TOY_VOCAB_SIZE and t != seqlab.TOY_PAD_ID for s in TOY_BATCH for t in s)


def test_sentences_have_the_lengths_chapter_two_draws():
    assert [len(s.split()) for s in SENTENCES] == [18, 16, 9, 9, 7]


def test_build_vocab_is_first_appearance_order_with_specials():
    vocab = build_vocab([["b", "a", "b"], ["c", "a"]])
    assert vocab.itos == ["<pad>", "<unk>", "b", "a", "c"]
    assert vocab.pad_id == 0 and vocab.unk_id == 1
    assert vocab.encode(["a", "zzz"]) == [3, 1]
    assert vocab.decode([2, 3, 0, 0]) == ["b", "a"]
    assert vocab.decode([2, 0], skip_pad=False) == ["b", "<pad>"]


def test_build_vocab_min_freq_and_no_unk():
    vocab = build_vocab([["x", "y", "x"]], min_freq=2, unk=False)
    assert vocab.itos == ["<pad>", "x"]
    with pytest.raises(KeyError, match=r"Vocab\.encode: 토큰 'y'는 어휘\(vocabulary\)에 없고, 대신 쓸 <unk> 토큰도"):
        vocab.encode(["y"])


@pytest.mark.parametrize("bad, err, msg", [
    ([], ValueError, "sentences에 문장이 하나도 없습니다"),
    (["a string"], TypeError, r"sentences의 문장 \[0\]에는 토큰의 리스트가 와야 합니다\. 받은 값: 문자열 'a string'"),
])
def test_build_vocab_bad_input(bad, err, msg):
    with pytest.raises(err, match=msg):
        build_vocab(bad)


def test_vocab_rejects_duplicates_and_missing_pad():
    with pytest.raises(ValueError, match="itos에 같은 토큰 'a'가 두 번 들어 있습니다"):
        Vocab(["<pad>", "a", "a"])
    with pytest.raises(ValueError, match=r"itos\[0\]\(id 0의 토큰\)에는 패딩 토큰\(<pad>\)이 와야 합니다\. 받은 값: 문자열 'a'"):
        Vocab(["a", "<pad>"])
    with pytest.raises(TypeError, match=r"tokens에는 문자열 토큰의 리스트가 와야 합니다\. 받은 값: 문자열 'a b'"):
        build_vocab([["a"]]).encode("a b")
    with pytest.raises(IndexError, match=r"ids의 항목 \[0\] = 7: id는 어휘 범위 0\.\.2 안에"):
        build_vocab([["a"]]).decode([7])


@pytest.mark.parametrize("batch_first", [True, False])
def test_pad_sequences_values_shapes_and_layout(batch_first):
    batch, lengths = pad_sequences([[5, 6, 7], [8]], pad_id=0, batch_first=batch_first)
    expected = torch.tensor([[5, 6, 7], [8, 0, 0]])
    assert batch.dtype == torch.long and lengths.dtype == torch.long
    assert torch.equal(batch, expected if batch_first else expected.t())
    assert lengths.tolist() == [3, 1]


def test_pad_sequences_max_len_and_tensors_and_custom_pad():
    batch, lengths = pad_sequences([torch.tensor([1, 2]), [3]], pad_id=9, max_len=4)
    assert batch.tolist() == [[1, 2, 9, 9], [3, 9, 9, 9]]
    assert lengths.tolist() == [2, 1]


@pytest.mark.parametrize("seqs, kwargs, err, msg", [
    ([], {}, ValueError, r"seqs에 시퀀스가 하나도 없습니다\(빈 배치\)"),
    ([[1, 2], []], {}, ValueError, r"seqs의 시퀀스 \[1\]에 토큰이 하나도 없습니다"),
    ([[1, 0, 2]], {"pad_id": 0}, ValueError, r"seqs의 시퀀스 \[0\]의 위치 1에 pad_id=0이 들어 있습니다"),
    ([[1, 200]], {"vocab_size": 100}, ValueError, r"id 200: id는 어휘 범위 \[0, vocab_size=100\) 안에"),
    ([[1, 2, 3]], {"max_len": 2}, ValueError, r"토큰 수는 max_len=2 이하여야 합니다\. 받은 토큰 수: 3"),
    ([[1.5, 2]], {}, TypeError, r"토큰 id는 정수\(int\)여야 합니다\. 항목 \[0\]: float 1\.5"),
    ([torch.tensor([1.0, 2.0])], {}, TypeError, r"시퀀스 \[0\]에는 1차원 정수 텐서가 와야 합니다"),
    (["abc"], {}, TypeError, r"받은 값: 문자열 'abc'\. 텍스트는 먼저 encode해야 합니다"),
    (torch.zeros(2, 3, dtype=torch.long), {}, TypeError, "텐서는 이미 패딩된 배치입니다"),
    ([[1]], {"pad_id": 100, "vocab_size": 100}, ValueError,
     r"pad_id에는 어휘 범위 \[0, vocab_size=100\) 안의 정수가 와야 합니다\. 받은 값: 100"),
])
def test_pad_sequences_bad_input(seqs, kwargs, err, msg):
    with pytest.raises(err, match=msg):
        pad_sequences(seqs, **kwargs)


def test_sort_by_length_inverse_restores_order_and_is_stable():
    lengths = torch.tensor([20, 5, 8, 10, 15, 18, 17, 6, 6, 18])
    sorted_lengths, sorted_idx, inverse = sort_by_length(lengths)
    assert sorted_lengths.tolist() == [20, 18, 18, 17, 15, 10, 8, 6, 6, 5]
    assert sorted_idx.tolist() == [0, 5, 9, 6, 4, 3, 2, 7, 8, 1]  # ties keep their order
    assert torch.equal(lengths[sorted_idx][inverse], lengths)
    ascending, _, _ = sort_by_length([3, 1, 2], descending=False)
    assert ascending.tolist() == [1, 2, 3]


@pytest.mark.parametrize("bad, err, msg", [
    ([], ValueError, "lengths에 길이가 하나도 없습니다"),
    ([3, 0], ValueError, r"lengths의 길이는 모두 1 이상이어야 합니다\. 받은 값: \[3, 0\]"),
    (torch.tensor([[1, 2]]), ValueError, r"lengths의 모양은 1차원 \(B,\)이어야 합니다"),
    (torch.tensor([1.0, 2.0]), TypeError, r"lengths에는 정수\(torch\.long\)가 와야 합니다"),
])
def test_lengths_are_checked(bad, err, msg):
    with pytest.raises(err, match=msg):
        sort_by_length(bad)


def test_lengths_to_mask_both_layouts():
    mask = lengths_to_mask(torch.tensor([2, 3]))
    assert mask.dtype == torch.bool
    assert mask.tolist() == [[True, True, False], [True, True, True]]
    assert torch.equal(lengths_to_mask([2, 3], 4, batch_first=False), lengths_to_mask([2, 3], 4).t())
    with pytest.raises(ValueError, match=r"max_len에는 lengths의 가장 긴 길이\(5\) 이상의 정수가 와야 합니다\. 받은 값: 3"):
        lengths_to_mask([5], 3)


def test_check_padded_batch_accepts_a_good_batch():
    batch, lengths = pad_sequences(TOY_BATCH)
    check_padded_batch(batch, lengths)
    check_padded_batch(batch.t(), lengths, batch_first=False)


@pytest.mark.parametrize("batch, lengths, kwargs, err, msg", [
    (torch.tensor([[1, 2], [3, 0]]), [2, 2], {}, ValueError,
     r"시퀀스 \[1\]의 처음 2개 토큰\(유효 길이\) 안에 pad_id=0이 있습니다"),
    (torch.tensor([[1, 2], [3, 4]]), [2, 1], {}, ValueError, r"시퀀스 \[1\]의 유효 길이 1 뒤에 진짜 토큰이 있습니다"),
    (torch.tensor([[1.0, 2.0]]), [2], {}, TypeError,
     r"batch의 자료형\(dtype\)은 .*torch\.long\(LongTensor\)이어야 합니다\. 받은 자료형: torch\.float32"),
    (torch.tensor([[1, 2, 3]]), [1, 1, 1], {}, ValueError,
     r"B=1인데, lengths에는 길이가 3개 있습니다\. batch_first=True가 맞는지"),
    (torch.tensor([1, 2]), [2], {}, ValueError, r"batch에는 2차원 텐서가 와야 합니다.*받은 모양: \(2,\)"),
    (torch.tensor([[1, 2]]), [3], {}, ValueError, r"lengths의 길이는 패딩된 길이 L=2 이하여야 합니다"),
    ([[1, 2]], [2], {}, TypeError, r"batch에는 .*텐서\(torch\.Tensor\)가 와야 합니다\. 받은 값: 항목 1개인 list"),
])
def test_check_padded_batch_bad_input(batch, lengths, kwargs, err, msg):
    with pytest.raises(err, match=msg):
        check_padded_batch(batch, lengths, **kwargs)


def test_packed_batch_sizes_agrees_with_pytorch():
    g = torch.Generator().manual_seed(0)
    for _ in range(20):
        lengths = torch.randint(1, 15, (int(torch.randint(1, 9, (1,), generator=g)),), generator=g)
        ref = pack_padded_sequence(torch.zeros(len(lengths), int(lengths.max())), lengths,
                                   batch_first=True, enforce_sorted=False)
        assert torch.equal(packed_batch_sizes(lengths), ref.batch_sizes)
    assert packed_batch_sizes([20, 5, 8, 10, 15, 18, 17, 6, 6, 18]).tolist() == [
        10, 10, 10, 10, 10, 9, 7, 7, 6, 6, 5, 5, 5, 5, 5, 4, 4, 3, 1, 1]


def test_build_vocab_reserves_fixed_ids_for_start_and_end():
    vocab = build_vocab([["나", "<eos>", "너"]], sos_eos=True)
    assert vocab.itos[:4] == ["<pad>", "<unk>", "<sos>", "<eos>"]
    assert (vocab.pad_id, vocab.unk_id, vocab.sos_id, vocab.eos_id) == (0, 1, 2, 3)
    assert (seqlab.data.PAD_ID, seqlab.data.SOS_ID, seqlab.data.EOS_ID) == (0, 2, 3)
    assert vocab.itos[4:] == ["나", "너"]  # a special token in the text keeps its reserved id
    assert vocab.decode([2, 4, 5, 3, 0], skip_special=True) == ["나", "너"]
    assert vocab.decode([2, 4, 3, 0]) == ["<sos>", "나", "<eos>"]
    assert build_vocab([["a"]]).sos_id is None


def test_build_vocab_rejects_bad_options():
    with pytest.raises(ValueError, match=r"sos_eos=True에는 unk=True가 함께 필요합니다.* 받은 값: unk=False"):
        build_vocab([["a"]], unk=False, sos_eos=True)
    with pytest.raises(ValueError, match=r"min_freq에는 1 이상의 정수\(int\)가 와야 합니다\. 받은 값: 0"):
        build_vocab([["a"]], min_freq=0)
    with pytest.raises(TypeError, match=r"ids의 항목 \[0\]에는 정수\(int\) 토큰 id가 와야 합니다\. 받은 값: float 1\.5"):
        build_vocab([["a"]]).decode([1.5])

