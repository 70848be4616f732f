"""Reference solution: an LRU cache, request batching, and de-duplication in front of a model."""
from collections import OrderedDict

_MISSING = object()


class LRUCache:
    """A fixed-size mapping that evicts the least recently used key; get and put both count as a use."""

    def __init__(self, capacity):
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            raise ValueError(f"capacity must be a positive int, got {capacity!r}")
        self.capacity = capacity
        self._data = OrderedDict()

    def get(self, key, default=None):
        if key not in self._data:
            return default
        self._data.move_to_end(key)
        return self._data[key]

    def put(self, key, value):
        self._data[key] = value
        self._data.move_to_end(key)
        if len(self._data) > self.capacity:
            self._data.popitem(last=False)


def batch_predict(predict_fn, requests, max_batch):
    """Call predict_fn on consecutive chunks of at most max_batch requests; results in request order."""
    if isinstance(max_batch, bool) or not isinstance(max_batch, int) or max_batch < 1:
        raise ValueError(f"max_batch must be a positive int, got {max_batch!r}")
    requests = list(requests)
    results = []
    for start in range(0, len(requests), max_batch):
        batch = requests[start:start + max_batch]
        outputs = list(predict_fn(batch))
        if len(outputs) != len(batch):
            raise ValueError(f"predict_fn returned {len(outputs)} results for a batch of {len(batch)} requests")
        results.extend(outputs)
    return results


def dedupe_and_cache(predict_fn, requests, cache, max_batch):
    """Serve requests through the cache; predict each distinct miss once, in batches; fill the cache."""
    requests = list(requests)
    answers = {}
    misses = []
    for key in dict.fromkeys(requests):          # distinct requests, first occurrence first
        value = cache.get(key, _MISSING)
        if value is _MISSING:
            misses.append(key)
        else:
            answers[key] = value
    for key, value in zip(misses, batch_predict(predict_fn, misses, max_batch)):
        cache.put(key, value)
        answers[key] = value                     # keep our own copy: the cache may already have evicted it
    return [answers[key] for key in requests]
