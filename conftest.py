# Loads the kit's pytest plugin, so that plain `pytest exercises/SLUG` works for a learner.
pytest_plugins = ["graders.plugin"]
