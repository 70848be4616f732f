"""Serving a model efficiently: an LRU cache, request batching and de-duplication.

Run the visible tests with `python grade.py check serving_batcher`. Standard library only.
"""


class LRUCache:
    """A mapping of at most `capacity` keys that evicts the least recently used one.

    capacity: int >= 1 (ValueError otherwise). Both get (on a hit) and put count as a use.
    """

    def __init__(self, capacity):
        # TODO: validate capacity and create the storage
        raise NotImplementedError("LRUCache")

    def get(self, key, default=None):
        """The value stored for key (and mark key as most recently used), or `default` on a miss."""
        # TODO
        raise NotImplementedError("LRUCache.get")

    def put(self, key, value):
        """Store value under key as the most recently used entry; evict the LRU key if over capacity."""
        # TODO
        raise NotImplementedError("LRUCache.put")


def batch_predict(predict_fn, requests, max_batch):
    """Run the model on consecutive chunks of at most max_batch requests.

    predict_fn(list_of_requests) -> list of results, one per request, in the same order.
    Returns the list of results in request order, calling predict_fn at most ceil(n / max_batch)
    times (never with an empty batch). ValueError if max_batch < 1 or if predict_fn returns the wrong
    number of results.
    """
    # TODO
    raise NotImplementedError("batch_predict")


def dedupe_and_cache(predict_fn, requests, cache, max_batch):
    """Answer requests (hashable: str/int) through `cache` (an LRUCache), calling the model only for misses.

    1. Look up each DISTINCT request once, in order of first occurrence, with cache.get.
    2. Send the distinct misses, in that order, to batch_predict(predict_fn, misses, max_batch).
    3. cache.put each new answer, in the same order.
    Returns the list of answers in request order (duplicates included).
    """
    # TODO
    raise NotImplementedError("dedupe_and_cache")
