"""The index of held reservations by SKU and expiry: what is due on a SKU, read without the rest.

Collection ``reservation_holds``, one entry ``{reservation_id, sku, expires_at}`` per held
reservation, keyed ``<len(sku)>:<sku>|<expires_at, 17 characters>|<reservation id>``. Within a SKU
the key order is the expiry order, so ``Store.scan`` reads only the entries that are due, from the
store's key index: touching a SKU costs the same with 10 or 10,000 reservations held. The length
prefix keeps one SKU's range from reaching into another's (``A`` and ``A|0``). An entry may
outlive its reservation (a crash between two writes, a rebuild racing a release): readers check
the reservation itself and drop a stale entry when it comes due.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from aref.store import Store

HOLDS = "reservation_holds"


def _prefix(sku: str) -> str:
    return f"{len(sku)}:{sku}|"


def _at(seconds: float) -> str:
    """A time as fixed-width text whose order is the numbers' order (0 up to 1e10 s)."""
    return f"{max(0.0, seconds):017.6f}"


def hold_key(sku: str, expires_at: float, reservation_id: str) -> str:
    return f"{_prefix(sku)}{_at(expires_at)}|{reservation_id}"


class Holds:
    def __init__(self, store: Store) -> None:
        self._store = store

    def add(self, reservation: Mapping[str, Any]) -> None:
        sku, expires_at, rid = reservation["sku"], reservation["expires_at"], reservation["id"]
        self._store.put(
            HOLDS, hold_key(sku, expires_at, rid), {"reservation_id": rid, "sku": sku, "expires_at": expires_at}
        )

    def remove(self, reservation: Mapping[str, Any]) -> None:
        self._store.delete(HOLDS, hold_key(reservation["sku"], reservation["expires_at"], reservation["id"]))

    def drop(self, entry: Mapping[str, Any]) -> None:
        """Forget an entry whose reservation is gone or no longer held."""
        self._store.delete(HOLDS, hold_key(entry["sku"], entry["expires_at"], entry["reservation_id"]))

    def due(self, sku: str, now: float) -> list[dict[str, Any]]:
        """The entries of ``sku`` expiring at or before ``now`` (rounded to the key's microseconds:
        the caller re-checks each reservation's own ``expires_at``)."""
        # "}" sorts right after "|": the stop covers every id behind the last due time
        return self._store.scan(HOLDS, start=_prefix(sku), stop=f"{_prefix(sku)}{_at(now)}}}")

    def rebuild(self, held: Iterable[Mapping[str, Any]]) -> int:
        """Index ``held`` reservations (those stored before the index existed); entries already there are kept."""
        count = 0
        for reservation in held:
            self.add(reservation)
            count += 1
        return count
