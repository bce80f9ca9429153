"""A sharded index served by Ray actors: one more `Retriever` behind the same seam.

Ray is an optional extra (`pip install 'newsqa-bot[cluster]'`); nothing here imports it
until a cluster is asked for. `layout.py` is the pure part (which article goes to which
shard, slicing one corpus's arrays into shards); `build.py` builds on the cluster;
`serve.py` holds the shard actors and the router; `connect.py` joins the cluster.
"""
