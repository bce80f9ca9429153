"""BM25: rank-bm25's BM25Okapi is the reference; our sparse scores must equal it."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from bot.index.bm25 import BM25Params, dense_scores, score_candidates, search, top_k
from bot.index.postings import Pruning
from bot.indexer.weights import fit

TINY = [
    ["mosul", "mosque", "captur"],
    ["raqqa", "sdf", "encircl"],
    ["mosul", "fighter", "fighter"],
]


def test_ranking_checked_by_hand() -> None:
    post = fit(TINY, BM25Params())
    # N=3, avgdl=3. "fighter": n=1 -> idf = ln((3-1+.5)/(1+.5)) = ln(5/3).
    # In passage 2, tf=2, len=3: weight = idf * 2*2.5 / (2 + 1.5) = idf * 10/7.
    idf = math.log(2.5 / 1.5)
    scores = dense_scores(post, ["fighter"])
    assert scores == pytest.approx([0.0, 0.0, idf * 10 / 7])
    # "mosul" is in 2 of 3 passages: ln(1.5/2.5) < 0, floored to 0.25 * mean idf.
    # 7 distinct terms: mosul (n=2) and six terms with n=1. tf=1, len=avgdl: factor 1.
    mean_idf = (math.log(1.5 / 2.5) + 6 * math.log(2.5 / 1.5)) / 7
    w = 0.25 * mean_idf * (1 * 2.5) / (1 + 1.5)
    assert dense_scores(post, ["mosul"]) == pytest.approx([w, 0.0, w])
    assert top_k(*score_candidates(post, ["mosul", "fighter"]), 3) == [
        (2, pytest.approx(w + idf * 10 / 7)),
        (0, pytest.approx(w)),
    ]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n_passages", [1, 2, 3, 4, 7, 40, 300])
def test_scores_equal_rank_bm25(seed: int, n_passages: int) -> None:
    rng = random.Random(seed * 1000 + n_passages)
    vocab = [f"w{i}" for i in range(30)]
    corpus = [
        [rng.choice(vocab[: rng.randint(3, 30)]) for _ in range(rng.randint(1, 25))]
        for _ in range(n_passages)
    ]
    ref = BM25Okapi(corpus)
    post = fit(corpus, BM25Params())
    for _ in range(10):
        query = [rng.choice([*vocab, "unseen"]) for _ in range(rng.randint(1, 5))]
        np.testing.assert_allclose(
            dense_scores(post, query), ref.get_scores(query), rtol=1e-9, atol=1e-12
        )


def test_term_in_more_than_half_gets_the_same_floor_as_any_common_term() -> None:
    corpus = [["the", "isis", "a"], ["the", "isis", "b"], ["the", "isis", "c"], ["the", "d"]]
    post = fit(corpus, BM25Params())
    idf = dict(zip(sorted(post.vocab, key=post.vocab.get), post.idf, strict=True))
    assert idf["isis"] == idf["the"] > 0  # "isis" (3 of 4) is floored like "the" (4 of 4)
    assert idf["isis"] == pytest.approx(
        0.25
        * np.mean(
            [
                math.log(0.5 / 4.5)
                if t == "the"
                else math.log(1.5 / 3.5)
                if t == "isis"
                else math.log(3.5 / 1.5)
                for t in idf
            ]
        )
    )


def test_term_in_exactly_half_of_an_even_number_of_passages_scores_zero() -> None:
    corpus = [["mosul", "x"], ["mosul", "y"], ["raqqa", "z"], ["raqqa", "w"]]
    post = fit(corpus, BM25Params())
    assert np.all(dense_scores(post, ["mosul"]) == 0.0)
    assert np.all(BM25Okapi(corpus).get_scores(["mosul"]) == 0.0)
    # ... yet it is still a candidate, so the answer stage can look at those passages:
    cand, _ = score_candidates(post, ["mosul"])
    assert cand.tolist() == [0, 1]


@pytest.mark.parametrize(
    "corpus", [[["mosul", "mosque"]], [["mosul", "a"], ["mosul", "b"]], [["mosul"], ["raqqa"]]]
)
def test_one_or_two_passages_score_zero_or_negative(corpus: list[list[str]]) -> None:
    post = fit(corpus, BM25Params())
    scores = dense_scores(post, ["mosul"])
    assert np.all(scores <= 0)
    np.testing.assert_allclose(scores, BM25Okapi(corpus).get_scores(["mosul"]), atol=1e-12)
    cand, _ = score_candidates(post, ["mosul"])
    assert len(cand) >= 1  # matching passages are still candidates


def test_top_k_breaks_ties_by_lowest_passage_id() -> None:
    cand = np.array([5, 3, 9, 1], dtype=np.int32)
    scores = np.array([1.0, 2.0, 1.0, 1.0])
    assert top_k(cand, scores, 3) == [(3, 2.0), (1, 1.0), (5, 1.0)]


def test_empty_query_and_unknown_terms() -> None:
    post = fit(TINY, BM25Params())
    assert top_k(*score_candidates(post, []), 5) == []
    assert top_k(*score_candidates(post, ["nowhere"]), 5) == []


def _zipf_corpus(rng: random.Random, n: int, vocab: int = 300) -> list[list[str]]:
    """Passages of 5-40 words drawn by Zipf rank: a few words are in most passages (IDF
    floor), some in about half, most are rare - and ties abound, as in real text."""
    weights = [1 / (r + 1) ** 1.1 for r in range(vocab)]
    words = [f"w{r}" for r in range(vocab)]
    return [rng.choices(words, weights, k=rng.randint(5, 40)) for _ in range(n)]


# The pruning thresholds scaled down so a few thousand passages exercise every branch:
# impact prefixes, dense rows, several reading rounds, lists read past their prefix.
SMALL = Pruning(sparse_postings=0, long_df=24, prefix_share=8, dense_share=8, probe=4)


@pytest.mark.parametrize("seed", range(6))
def test_pruned_search_equals_rank_bm25_bit_for_bit(seed: int) -> None:
    rng = random.Random(seed)
    corpus = _zipf_corpus(rng, 3000)
    ref = BM25Okapi(corpus)
    post = fit(corpus, BM25Params(), SMALL)
    assert len(post.impact.dense_terms) > 0 and int(post.impact.ptr[-1]) > 0
    common = [f"w{r}" for r in range(12)]
    for _ in range(12):
        query = [*rng.sample(common, rng.randint(1, 3)), f"w{rng.randrange(300)}"]
        if rng.random() < 0.3:
            query.append(query[0])  # a repeated word counts twice, as in get_scores
        scores = ref.get_scores(query)
        ids = np.arange(len(scores))
        want = np.lexsort((ids, -scores))[:10]
        got = search(post, query, 10, SMALL)
        assert [p for p, _ in got] == want.tolist(), query
        assert [s for _, s in got] == scores[want].tolist(), query  # same bits, not close


def test_pruning_reads_a_fraction_of_the_postings() -> None:
    from bot.index import impact

    corpus = _zipf_corpus(random.Random(1), 4000)
    post = fit(corpus, BM25Params(), SMALL)
    for query in (["w0", "w1"], ["w3", "w7"], ["w0", "w5", "w30"]):
        matching = len(score_candidates(post, query)[0])
        cand, _ = impact.search(post, [post.vocab[w] for w in query], 10, SMALL.probe)
        assert len(cand) < matching / 4, query


def test_dense_rows_give_the_stored_weights_exactly() -> None:
    post = fit(_zipf_corpus(random.Random(2), 2000), BM25Params(), SMALL)
    imp = post.impact
    for row, t in enumerate(imp.dense_terms.tolist()):
        lo, hi = int(post.indptr[t]), int(post.indptr[t + 1])
        idx = post.indices[lo:hi]
        tf = imp.dense_tf[row][idx].astype(np.float64)
        again = float(post.idf[t]) * (tf * (imp.k1 + 1) / (tf + imp.norm[idx]))
        assert again.tolist() == post.weights[lo:hi].tolist()


def test_zero_idf_term_takes_the_plain_path_and_agrees() -> None:
    rng = random.Random(3)
    corpus = _zipf_corpus(rng, 2000)
    for i, passage in enumerate(corpus):  # "half" in exactly half the passages: IDF 0
        passage.append("half" if i % 2 else "other")
    ref = BM25Okapi(corpus)
    post = fit(corpus, BM25Params(), SMALL)
    for query in (["half", "w0", "w1"], ["w0", "w1", "w3"], ["other", "w2"]):
        scores = ref.get_scores(query)
        want = np.lexsort((np.arange(len(scores)), -scores))[:10]
        assert [p for p, _ in search(post, query, 10, SMALL)] == want.tolist()


def test_a_word_repeated_hundreds_of_times_keeps_its_exact_weight() -> None:
    corpus = _zipf_corpus(random.Random(4), 1500)
    corpus[7] = ["w0"] * 300 + corpus[7]  # tf 300 does not fit the usual one-byte row
    ref = BM25Okapi(corpus)
    post = fit(corpus, BM25Params(), SMALL)
    assert post.impact.dense_tf.dtype == np.uint16
    for query in (["w0", "w1"], ["w0", "w3", "w0"]):
        scores = ref.get_scores(query)
        want = np.lexsort((np.arange(len(scores)), -scores))[:10]
        got = search(post, query, 10, SMALL)
        assert [p for p, _ in got] == want.tolist()
        assert [s for _, s in got] == scores[want].tolist()


def test_capped_dense_rows_keep_the_most_common_terms_and_agree() -> None:

    pruning = replace(SMALL, dense_max_rows=2)
    corpus = _zipf_corpus(random.Random(5), 2000)
    ref = BM25Okapi(corpus)
    post = fit(corpus, BM25Params(), pruning)
    assert sorted(post.impact.dense_terms.tolist()) == sorted(post.vocab[w] for w in ("w0", "w1"))
    for query in (["w0", "w2", "w3"], ["w4", "w5"], ["w1", "w6", "w40"]):
        scores = ref.get_scores(query)
        want = np.lexsort((np.arange(len(scores)), -scores))[:10]
        got = search(post, query, 10, pruning)
        assert [p for p, _ in got] == want.tolist()
        assert [s for _, s in got] == scores[want].tolist()


def test_weights_do_not_depend_on_the_build_chunk_size() -> None:
    from bot.indexer.weights import fit_arrays

    corpus = _zipf_corpus(random.Random(6), 500)
    vocab: dict[str, int] = {}
    ids = np.array([vocab.setdefault(t, len(vocab)) for p in corpus for t in p], np.int32)
    ptr = np.concatenate([[0], np.cumsum([len(p) for p in corpus])]).astype(np.int64)
    whole = fit_arrays(vocab, ptr, ids.copy(), BM25Params())
    for chunk in (1, 7, 1000):  # chunk edges inside, at and across terms' postings
        cut = fit_arrays(vocab, ptr, ids.copy(), BM25Params(), chunk=chunk)
        assert cut.weights.tolist() == whole.weights.tolist()
    ref = BM25Okapi(corpus)
    for word in ("w0", "w3", "w50"):
        assert dense_scores(whole, [word]).tolist() == ref.get_scores([word]).tolist()


def test_pruned_search_from_several_threads_at_once() -> None:
    """Each thread has its own read marks: concurrent searches (Discord answers on two
    threads) neither see nor clear each other's."""
    from concurrent.futures import ThreadPoolExecutor

    rng = random.Random(7)
    post = fit(_zipf_corpus(rng, 3000), BM25Params(), SMALL)
    queries = [[f"w{rng.randrange(12)}", f"w{rng.randrange(60)}"] for _ in range(40)]
    alone = [search(post, q, 10, SMALL) for q in queries]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda q: search(post, q, 10, SMALL), queries * 5))
    assert together == alone * 5


def test_a_shard_ranks_its_passages_as_the_whole_corpus_does_bit_for_bit() -> None:
    """A cluster shard: weights from the corpus-wide statistics, every corpus term in its
    vocabulary (some with no postings there). Its top 10 equals the whole index's top 10
    restricted to its passages, scores to the bit."""
    from bot.indexer.weights import GlobalStats, fit_arrays

    corpus = _zipf_corpus(random.Random(3), 3000)
    for p in range(1, len(corpus), 3):  # words no passage of the shard below holds
        corpus[p].append(f"x{p % 40}")
    whole = fit(corpus, BM25Params(), SMALL)
    mine = [p for p in range(len(corpus)) if p % 3 == 0]  # one shard of three
    ids = [whole.vocab[t] for p in mine for t in corpus[p]]
    ptr = np.zeros(len(mine) + 1, dtype=np.int64)
    np.cumsum([len(corpus[p]) for p in mine], out=ptr[1:])
    stats = GlobalStats(whole.idf, float(whole.doc_len.mean()))
    shard = fit_arrays(
        whole.vocab, ptr, np.array(ids, np.int32), BM25Params(), pruning=SMALL, stats=stats
    )
    absent = [t for t, tid in whole.vocab.items() if shard.indptr[tid + 1] == shard.indptr[tid]]
    assert absent  # the case a shard adds: known terms it holds no passage of
    rng = random.Random(4)
    for _ in range(20):
        query = [f"w{rng.randrange(12)}", rng.choice(absent), f"w{rng.randrange(300)}"]
        everything = dict(search(whole, query, len(corpus), SMALL))
        want = sorted(((-s, mine[i]) for i, p in enumerate(mine) if (s := everything.get(p))))[:10]
        got = [(-s, mine[p]) for p, s in search(shard, query, 10, SMALL)]
        assert got == want, query
