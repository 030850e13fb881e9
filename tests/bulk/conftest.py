from tests.s3server import bucket, moto_endpoint

__all__ = ["bucket", "moto_endpoint"]
