"""/api/v1: the JSON API, documented by the OpenAPI 3 document at /api/v1/openapi.json."""
from flask_smorest import Api

api = Api(spec_kwargs={
    "info": {"description": "API v1 của Cổng dịch vụ công trực tuyến (dvc-portal). Lỗi trả về theo "
                            "application/problem+json (RFC 9457)."},
    "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
})
