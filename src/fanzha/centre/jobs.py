"""Background jobs: the one mechanism trace jobs (`fanzha.centre.traces`) and the cases' linking and leak-source
jobs (`fanzha.centre.cases`) run on. A job's inputs and outputs live in ``DATA_DIR/<folder>/ID/`` (``input/``,
``out/``); its status, parameters, summary and error in its table's row (`JobColumns`). One worker thread per kind
runs them in order; a job that was queued or running when the process stopped runs again on start-up.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import select

from fanzha.centre.access import Actor, Refused
from fanzha.centre.audit import AuditLog
from fanzha.centre.coded import coded
from fanzha.centre.settings import Settings
from fanzha.centre.store import Store
from fanzha.errors import FanzhaError, InputError


class Jobs:
    """Jobs of one table (`model`, a `JobColumns` row): `create` stores and queues one, `execute` (the
    subclass's) runs it, `row` / `done` / `public` read it back. `what` names it in errors (E904), `not_done` is
    the code for reading the outputs of a job that is not done."""

    what = "job"
    not_done = "E917"
    #: params kept from the API's answers (local paths)
    private: tuple[str, ...] = ()

    def __init__(
        self,
        store: Store,
        audit: AuditLog,
        settings: Settings,
        now_us: Callable[[], int],
        *,
        model: Any,
        folder: str,
    ) -> None:
        self.store = store
        self.audit = audit
        self.settings = settings
        self.now_us = now_us
        self.model = model
        self.root = Path(settings.data_dir) / folder
        self.pool = ThreadPoolExecutor(1, thread_name_prefix=f"fanzha-{folder}")
        self._futures: list[futures.Future[None]] = []
        self._lock = threading.Lock()

    def execute(self, params: dict[str, Any], folder: Path) -> dict[str, Any]:
        """Run one job (inputs in ``folder/input``, outputs into ``folder/out``); its summary."""
        raise NotImplementedError

    def create(
        self,
        actor: Actor,
        action: str,
        params: dict[str, Any],
        prepare: Callable[[Path], dict[str, Any]],
        *,
        hidden: tuple[str, ...] = (),
        **columns: Any,
    ) -> dict[str, Any]:
        """Store a job (`prepare` writes its inputs and returns more params), audit `action`, queue it."""
        job = uuid.uuid4().hex[:16]
        folder = self.root / job
        (folder / "input").mkdir(parents=True, exist_ok=True)
        params = {**params, **prepare(folder / "input")}
        row = self.model(
            id=job,
            status="queued",
            created_by=actor.principal.label,
            created_us=self.now_us(),
            params=orjson.dumps(params).decode(),
            folder=str(folder),
            **columns,
        )
        with self.store.session() as s:
            s.add(row)
            self.audit.log(
                s,
                actor,
                action,
                resource=self.what,
                resource_id=job,
                detail={k: v for k, v in params.items() if k not in hidden},
            )
        self._submit(job)
        return self.public(row, "zh")

    def _submit(self, job: str) -> None:
        with self._lock:
            self._futures = [f for f in self._futures if not f.done()]
            self._futures.append(self.pool.submit(self._run, job))

    def resume(self) -> int:
        """Run again the jobs a stopped process left queued or running."""
        with self.store.sessions() as s:
            q = select(self.model.id).where(self.model.status.in_(("queued", "running")))
            ids = list(s.scalars(q))
        for job in ids:
            self._submit(job)
        return len(ids)

    def _run(self, job: str) -> None:
        with self.store.session() as s:
            row = s.get(self.model, job)
            if row is None:
                return
            row.status = "running"
            row.started_us = self.now_us()
            params = orjson.loads(row.params)
            folder = Path(row.folder)
        status, summary, error = "done", None, None
        try:
            summary = orjson.dumps(self.execute(params, folder), option=orjson.OPT_NON_STR_KEYS).decode()
        except FanzhaError as exc:
            status, error = (
                "failed",
                orjson.dumps({"code": exc.code, "where": exc.where, "params": _plain(exc.params)}),
            )
        except Exception as exc:  # a bug in a job must not take the worker down: record it
            status = "failed"
            error = orjson.dumps(
                {"code": "E916", "where": None, "params": {"reason": f"{type(exc).__name__}: {exc}"}}
            )
        with self.store.session() as s:
            row = s.get(self.model, job)
            if row is not None:
                row.status = status
                row.finished_us = self.now_us()
                row.summary = summary
                row.error = error.decode() if error is not None else None

    def wait(self, timeout: float = 60.0) -> None:
        """Block until the jobs submitted so far are done (tests, the demo)."""
        self.pool.submit(lambda: None).result(timeout=timeout)

    def close(self, timeout: float = 30.0) -> None:
        """Cancel the queued jobs and give the running one up to `timeout` seconds to finish (before the store
        closes under it); one still running then runs again on the next start."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            running = [f for f in self._futures if not f.done()]
        futures.wait(running, timeout=timeout)

    # -- reading -------------------------------------------------------------------------------------------

    def row(self, job: str) -> Any:
        """The job's row; E904 when there is none."""
        with self.store.sessions() as s:
            row = s.get(self.model, job)
        if row is None:
            raise Refused("E904", what=self.what, id=job)
        return row

    def done(self, job: str) -> Path:
        """The outputs folder of a job that is done (else `not_done`)."""
        row = self.row(job)
        if row.status != "done":
            raise Refused(self.not_done, status=row.status)
        return Path(row.folder) / "out"

    def rows(self, limit: int = 50, **where: Any) -> list[Any]:
        """The latest jobs, newest first (`where`: column = value)."""
        q = select(self.model).filter_by(**where).order_by(self.model.created_us.desc()).limit(limit)
        with self.store.sessions() as s:
            return list(s.scalars(q))

    def public(self, row: Any, lang: str) -> dict[str, Any]:
        """A job as the API shows it: status, times, params (without local paths), summary, coded error."""
        from fanzha.centre.alerts import iso

        err = orjson.loads(row.error) if row.error else None
        error = None
        if err is not None:
            try:
                error = coded(InputError(err["code"], where=err.get("where"), **err.get("params", {})), lang)
            except (KeyError, TypeError):  # a code from an older catalogue
                error = {
                    "code": err.get("code"),
                    "message": str(err.get("params")),
                    "where": None,
                    "hint": None,
                }
        params = {k: v for k, v in orjson.loads(row.params).items() if k not in self.private}
        return {
            "id": row.id,
            "status": row.status,
            "created_by": row.created_by,
            "created_at": iso(row.created_us),
            "started_at": iso(row.started_us),
            "finished_at": iso(row.finished_us),
            "params": params,
            "summary": orjson.loads(row.summary) if row.summary else None,
            "error": error,
        }


def _plain(params: Any) -> dict[str, Any]:
    from fanzha.errors import jsonable

    return jsonable(params)
