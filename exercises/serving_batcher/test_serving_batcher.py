"""Visible tests for serving_batcher: `python grade.py check serving_batcher`."""


def make_model():
    calls = []

    def predict(batch):
        calls.append(list(batch))
        return [x * 10 for x in batch]

    return predict, calls


def test_lru_evicts_least_recently_used(learner):
    cache = learner.LRUCache(2)
    cache.put(1, "one")
    cache.put(2, "two")
    cache.put(3, "three")
    assert cache.get(1) is None, "LRUCache(2): after put 1, 2, 3 the key 1 must have been evicted"
    assert cache.get(2) == "two" and cache.get(3) == "three"


def test_batch_predict_chunks_and_order(learner):
    predict, calls = make_model()
    results = learner.batch_predict(predict, [1, 2, 3, 4, 5], 2)
    assert list(results) == [10, 20, 30, 40, 50], f"batch_predict(..., [1, 2, 3, 4, 5], 2) gave {results}"
    assert calls == [[1, 2], [3, 4], [5]], f"the model received the batches {calls}, expected [[1, 2], [3, 4], [5]]"


def test_dedupe_and_cache_skips_duplicates_and_hits(learner):
    predict, calls = make_model()
    cache = learner.LRUCache(8)
    cache.put(7, 777)
    results = learner.dedupe_and_cache(predict, [1, 7, 1, 2], cache, 4)
    assert list(results) == [10, 777, 10, 20], f"dedupe_and_cache(..., [1, 7, 1, 2], ...) gave {results}"
    assert calls == [[1, 2]], f"the model received {calls}, expected one batch [1, 2]"
    assert cache.get(2) == 20, "new answers must be stored in the cache"
