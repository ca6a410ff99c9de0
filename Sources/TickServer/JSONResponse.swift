import HTTPTypes
import Hummingbird
import NIOCore
import TickCore

/// The server's responses: always JSON, never cached, never a redirect.
enum JSONResponse {
    /// A response with `body` (one JSON value) and a trailing newline.
    static func make(_ status: HTTPResponse.Status, _ body: String, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body + "\n")))
    }

    /// `{"error": message}` with `status`.
    static func error(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) -> Response {
        make(status, JSONValue.object(["error": .string(message)]).serialized, headers: headers)
    }
}
