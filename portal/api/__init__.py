"""/api/v1: the JSON API, documented by the OpenAPI 3 document at /api/v1/openapi.json."""
import http

from flask_smorest import Api
from flask_smorest.utils import prepare_response

from .errors import ProblemSchema

PROBLEM_JSON = "application/problem+json"


class ProblemApi(Api):
    """Declares every error response as application/problem+json with the ProblemSchema, as it is sent."""
    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, PROBLEM_JSON)
            else:
                prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


api = ProblemApi(spec_kwargs={
    "info": {"description": "API v1 của Cổng dịch vụ công trực tuyến (dvc-portal). Lỗi trả về theo "
                            "application/problem+json (RFC 9457)."},
    "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
})
