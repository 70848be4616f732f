"""Correct, independently written: a dict plus a recency list (O(n) but simple), while-loop batching."""


class LRUCache:
    def __init__(self, capacity):
        if type(capacity) is not int or capacity <= 0:
            raise ValueError("capacity must be a positive integer")
        self.capacity = capacity
        self.store = {}
        self.order = []            # least recent first

    def _touch(self, key):
        if key in self.order:
            self.order.remove(key)
        self.order.append(key)

    def get(self, key, default=None):
        if key in self.store:
            self._touch(key)
            return self.store[key]
        return default

    def put(self, key, value):
        self.store[key] = value
        self._touch(key)
        while len(self.order) > self.capacity:
            oldest = self.order.pop(0)
            del self.store[oldest]


def batch_predict(predict_fn, requests, max_batch):
    if type(max_batch) is not int or max_batch <= 0:
        raise ValueError("max_batch must be >= 1")
    pending = list(requests)
    out = []
    i = 0
    while i < len(pending):
        chunk = pending[i:i + max_batch]
        answers = predict_fn(chunk)
        if answers is None or len(answers) != len(chunk):
            raise ValueError("the model must return exactly one answer per request")
        out += list(answers)
        i += len(chunk)
    return out


def dedupe_and_cache(predict_fn, requests, cache, max_batch):
    sentinel = ("__missing__",)
    seen = set()
    known = {}
    todo = []
    for r in requests:
        if r in seen:
            continue
        seen.add(r)
        v = cache.get(r, sentinel)
        if v is sentinel:
            todo.append(r)
        else:
            known[r] = v
    if todo:
        fresh = batch_predict(predict_fn, todo, max_batch)
        for r, v in zip(todo, fresh):
            known[r] = v
            cache.put(r, v)
    return [known[r] for r in requests]
