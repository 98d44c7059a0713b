"""Scale-out on Celery: workers on many machines over one PostgreSQL database.

Needs the ``queue`` extra (Celery and redis-py). A poll through the queue runs
the same stage code as ``occasional poll``, one task per source, one per
article page, and one refresh of the stories after each cycle::

    occasional worker --concurrency 64        # as many as you like, anywhere
    occasional poll --all --queue             # enqueue, wait, print the usual report
    occasional serve --queue                  # the schedule, through the queue

- :mod:`.app`: the Celery application and its settings (acks late, given back
  when a worker is lost);
- :mod:`.tasks` and :mod:`.runtime`: what a worker runs, idempotently;
- :mod:`.client`: a poll cycle from the enqueuing side;
- :mod:`.limiter`: per-host limits shared by all workers through Redis;
- :mod:`.worker`: ``occasional worker``.

Nothing here is imported by the rest of occasional unless the queue is used.
"""
