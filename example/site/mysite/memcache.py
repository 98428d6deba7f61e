"""A small memcached cache backend (text protocol over a socket), so that the example needs no
client library beyond Django: Django's own memcached backends need pymemcache or pylibmc."""
import pickle
import socket
import threading

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache


class MemcachedCache(BaseCache):
    def __init__(self, server, params):
        super().__init__(params)
        if server.startswith("unix:"):
            # A socket file, as djdd's site package gives each site a memcached of its own.
            self._family, self._address = socket.AF_UNIX, server[len("unix:"):]
        else:
            host, _, port = server.rpartition(":")
            self._family, self._address = socket.AF_INET, (host or "127.0.0.1", int(port or 11211))
        self._local = threading.local()

    def _connection(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = socket.socket(self._family, socket.SOCK_STREAM)
            conn.settimeout(5)
            conn.connect(self._address)
            self._local.conn = conn
            self._local.reader = conn.makefile("rb")
        return conn, self._local.reader

    def _call(self, command, data=None):
        try:
            conn, reader = self._connection()
            conn.sendall(command + b"\r\n" + (data + b"\r\n" if data is not None else b""))
            return reader
        except OSError:
            self._local.conn = None
            raise

    def _expiry(self, timeout):
        timeout = self.get_backend_timeout(timeout)
        return 0 if timeout is None else max(int(timeout), 1)

    def _store(self, verb, key, value, timeout, version):
        key = self.make_and_validate_key(key, version=version).encode()
        data = pickle.dumps(value)
        reader = self._call(b"%s %s 0 %d %d" % (verb, key, self._expiry(timeout), len(data)), data)
        return reader.readline().strip() == b"STORED"

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._store(b"set", key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._store(b"add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version).encode()
        reader = self._call(b"get " + key)
        line = reader.readline().strip()
        if line == b"END":
            return default
        length = int(line.split()[3])
        value = pickle.loads(reader.read(length))
        reader.readline()
        reader.readline()
        return value

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version).encode()
        return self._call(b"delete " + key).readline().strip() == b"DELETED"

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version).encode()
        return self._call(b"touch %s %d" % (key, self._expiry(timeout))).readline().strip() == b"TOUCHED"

    def clear(self):
        self._call(b"flush_all").readline()
