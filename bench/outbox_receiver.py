"""The receiver of bench/outbox.py (gunicorn): keeps each Idempotency-Key once, as the national portal does,
counts the messages of one ordering key that arrive out of order, and tells at GET /stats what it saw. The
counts live in Redis (OUTBOX_BENCH_REDIS), so a gunicorn worker restarted under load loses none."""
import json
import os

from redis import Redis
from werkzeug.wrappers import Request, Response

_redis = Redis.from_url(os.environ.get("OUTBOX_BENCH_REDIS", "redis://127.0.0.1:6379/11"))
# One atomic step per request: count it, keep the key once, and compare its number with the key's highest.
_RECEIVE = _redis.register_script("""
redis.call('INCR', 'bench:total')
if redis.call('SADD', 'bench:keys', ARGV[1]) == 1 then
  local last = tonumber(redis.call('HGET', 'bench:last', ARGV[2]) or '-1')
  local n = tonumber(ARGV[3])
  if n < last then redis.call('INCR', 'bench:out_of_order') else redis.call('HSET', 'bench:last', ARGV[2], n) end
end
return 1
""")


def app(environ, start_response):
    request = Request(environ)
    if request.path == "/stats":
        total, unique, late = _redis.get("bench:total"), _redis.scard("bench:keys"), _redis.get("bench:out_of_order")
        body = {"total": int(total or 0), "unique": unique, "out_of_order": int(late or 0)}
        return Response(json.dumps(body), content_type="application/json")(environ, start_response)
    payload = json.loads(request.get_data() or b"{}")
    _RECEIVE(args=[request.headers.get("Idempotency-Key", ""), str(payload.get("ordering", "")),
                   int(payload.get("n", 0))])
    return Response(json.dumps({"accepted": True}), status=200,
                    content_type="application/json")(environ, start_response)
