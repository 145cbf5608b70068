"""Where finished parts go: a local directory or S3 (any S3-compatible endpoint), both write-once.

``put(dest, path, sha256)`` stores one complete local file at ``dest`` (``file:///...`` or
``s3://bucket/key``) and returns only when the store has it; it raises :class:`StoreError` otherwise.
A key that already holds the same bytes (a retry after a lost reply) counts as stored; a key holding
other bytes is never overwritten (:class:`StoreConflict`).
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from scrapy.settings import BaseSettings

from crawler.export.config import ExportConfig


class StoreError(Exception):
    """The store did not take the file (unreachable, refused, timed out): keep it and retry."""


class StorePermanentError(StoreError):
    """The store refuses for a reason retrying cannot fix (no credentials, access denied, no such bucket,
    invalid name, a file where the export directory should be): fail fast, keep the parts spooled."""


class StoreConflict(StorePermanentError):
    """The destination already holds different bytes; we never overwrite."""


PERMANENT_S3_CODES = frozenset({
    "AccessDenied", "AllAccessDisabled", "AccountProblem", "InvalidAccessKeyId", "SignatureDoesNotMatch",
    "InvalidToken", "ExpiredToken", "TokenRefreshRequired", "InvalidSecurity", "NoSuchBucket", "InvalidBucketName",
    "PermanentRedirect", "AuthorizationHeaderMalformed", "403", "301",
})  # fmt: skip
"""S3 error codes no retry can fix (the next run or ``export-flush`` tries again once they are fixed)."""
PERMANENT_OS_ERRORS = (PermissionError, NotADirectoryError, FileExistsError, IsADirectoryError)


class Store(Protocol):
    def put(self, dest: str, path: Path, sha256: str) -> None: ...


def file_sha256(path: Path) -> str:
    """A file -> hex sha256 of its bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LocalStore:
    """A directory tree: copy to a temporary name beside the destination, fsync, then rename."""

    def put(self, dest: str, path: Path, sha256: str) -> None:
        target = Path(unquote(urlsplit(dest).path))
        try:
            if target.exists():
                if file_sha256(target) == sha256:
                    return
                raise StoreConflict(f"{target} exists with other content")
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
            with path.open("rb") as src, tmp.open("wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
            fsync_dir(target.parent)
        except StoreConflict:
            raise
        except PERMANENT_OS_ERRORS as exc:
            raise StorePermanentError(f"{target}: {exc}") from exc
        except OSError as exc:
            if exc.errno == errno.EROFS:
                raise StorePermanentError(f"{target}: {exc}") from exc
            raise StoreError(f"{target}: {exc}") from exc


class S3Store:
    """S3 through botocore, with the standard AWS_* settings; multipart above EXPORT_MULTIPART_THRESHOLD."""

    def __init__(self, settings: BaseSettings, config: ExportConfig) -> None:
        import botocore.session  # type: ignore[import-untyped]
        from botocore.config import Config  # type: ignore[import-untyped]

        self.config = config
        session = botocore.session.get_session()
        self.client: Any = session.create_client(
            "s3",
            region_name=settings.get("AWS_REGION_NAME") or None,
            endpoint_url=settings.get("AWS_ENDPOINT_URL") or None,
            # Credentials in EXPORT_URI (s3://KEY:SECRET@bucket/) win over the AWS_* settings.
            aws_access_key_id=config.access_key or settings.get("AWS_ACCESS_KEY_ID") or None,
            aws_secret_access_key=config.secret_key or settings.get("AWS_SECRET_ACCESS_KEY") or None,
            aws_session_token=settings.get("AWS_SESSION_TOKEN") or None,
            # The spool retries with backoff; botocore makes one attempt per call.
            config=Config(
                connect_timeout=config.s3_timeout,
                read_timeout=config.s3_timeout,
                retries={"max_attempts": 1, "mode": "standard"},
            ),
        )
        self.acl = settings.get("FEED_STORAGE_S3_ACL") or None

    def put(self, dest: str, path: Path, sha256: str) -> None:
        from botocore.exceptions import (  # type: ignore[import-untyped]
            BotoCoreError,
            ClientError,
            NoCredentialsError,
            NoRegionError,
            ParamValidationError,
            PartialCredentialsError,
        )

        parts = urlsplit(dest)
        bucket, key = parts.netloc, parts.path.lstrip("/")
        extra: dict[str, Any] = {"Metadata": {"sha256": sha256}, "ContentType": _content_type(key)}
        if self.acl:
            extra["ACL"] = self.acl
        try:
            if path.stat().st_size > self.config.multipart_threshold:
                self._put_multipart(bucket, key, path, extra)
            else:
                with path.open("rb") as body:
                    # If-None-Match: * makes the write create-only: a key is never overwritten.
                    self.client.put_object(Bucket=bucket, Key=key, Body=body, IfNoneMatch="*", **extra)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code"))
            if code in ("PreconditionFailed", "412"):
                self._check_same(bucket, key, sha256)
                return
            if code in PERMANENT_S3_CODES:
                raise StorePermanentError(f"{dest}: {code}: {exc}") from exc
            raise StoreError(f"{dest}: {code}: {exc}") from exc
        except (NoCredentialsError, PartialCredentialsError) as exc:
            raise StorePermanentError(
                f"{dest}: no credentials ({exc}): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                "or give them in EXPORT_URI as s3://KEY:SECRET@bucket/"
            ) from exc
        except (ParamValidationError, NoRegionError) as exc:
            raise StorePermanentError(f"{dest}: {exc}") from exc
        except (BotoCoreError, OSError) as exc:
            raise StoreError(f"{dest}: {exc}") from exc

    def _check_same(self, bucket: str, key: str, sha256: str) -> None:
        """An existing key is fine only if it holds our bytes (an earlier attempt whose reply was lost)."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            head = self.client.head_object(Bucket=bucket, Key=key)
        except (BotoCoreError, ClientError) as exc:
            raise StoreError(f"s3://{bucket}/{key}: {exc}") from exc
        if head.get("Metadata", {}).get("sha256") != sha256:
            raise StoreConflict(f"s3://{bucket}/{key} exists with other content")

    def _put_multipart(self, bucket: str, key: str, path: Path, extra: dict[str, Any]) -> None:
        upload_id = self.client.create_multipart_upload(Bucket=bucket, Key=key, **extra)["UploadId"]
        try:
            etags = []
            with path.open("rb") as f:
                number = 1
                while chunk := f.read(self.config.multipart_chunk):
                    reply = self.client.upload_part(
                        Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=chunk
                    )
                    etags.append({"ETag": reply["ETag"], "PartNumber": number})
                    number += 1
            self.client.complete_multipart_upload(
                Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": etags}, IfNoneMatch="*"
            )
        except Exception:
            try:
                self.client.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
            except Exception:  # noqa: BLE001,S110 - the store is failing already; the part stays spooled
                pass
            raise


def _content_type(key: str) -> str:
    if key.endswith(".gz"):
        return "application/gzip"
    if key.endswith(".parquet"):
        return "application/vnd.apache.parquet"
    if key.endswith(".jsonl"):
        return "application/x-ndjson"
    return "application/json"


class Stores:
    """One store per scheme, built on first use from the crawl's (or export-flush's) settings."""

    def __init__(self, settings: BaseSettings, config: ExportConfig) -> None:
        self.settings = settings
        self.config = config
        self._stores: dict[str, Store] = {}

    def put(self, dest: str, path: Path, sha256: str) -> None:
        scheme = urlsplit(dest).scheme
        if scheme not in self._stores:
            if scheme == "s3":
                self._stores[scheme] = S3Store(self.settings, self.config)
            elif scheme == "file":
                self._stores[scheme] = LocalStore()
            else:
                raise StorePermanentError(f"unsupported destination {dest}")
        self._stores[scheme].put(dest, path, sha256)
