import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
#if canImport(Glibc)
import Glibc
#endif

extension AsyncHTTPTransport {
    /// One error vocabulary for both kinds of exchange: no library dump (a BoringSSL error stack with its build
    /// path) reaches a person. A refused certificate is looked at once more, to say which authority, names or date.
    /// No header value of the request (a token) reaches a message, whatever the library put in its error.
    /// `deadline`: the limit the exchange ran under, for the message when it ran out.
    static func classify(_ error: any Error, _ spec: HTTPRequestSpec, limit: Int, proxy: ProxySettings, deadline: Duration? = nil) async -> any Error {
        let url = spec.url
        switch error {
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout:
            return HTTPTransportError.timedOut(url, limit: deadline)
        case is NIOTooManyBytesError:
            return HTTPTransportError.bodyTooLarge(url, limit: limit)
        case let error as HTTPTransportError:
            return error
        case is CancellationError:
            return CancellationError()
        case let error as HTTPClientError where error == .cancelled:
            return CancellationError()
        default:
            if let symptom = TLSFailure.symptom(of: error) {
                let through = proxy.shouldProxy(url) ? proxy.server : nil
                return HTTPTransportError.tls(url, await TLSFailure.diagnose(symptom, url: url, proxy: through))
            }
            // Said as what they are, at once (a refused port is not a network to check).
            if refusedConnection(error) { return HTTPTransportError.nothingListening(url) }
            if let e = error as? NIOConnectionError, e.connectionErrors.isEmpty, e.dnsAError != nil || e.dnsAAAAError != nil {
                return HTTPTransportError.nameNotResolved(url)
            }
            if let e = error as? HTTPClientError, !(e == .remoteConnectionClosed) {
                // Its `description` includes associated values (header values among them); the short one never does.
                return HTTPTransportError.connectionFailed(url, withoutHeaderValues(e.shortDescription, spec.headers))
            }
            return HTTPTransportError.connectionFailed(url, words(error, spec.headers))
        }
    }

    /// ECONNREFUSED, however the library wrapped it.
    static func refusedConnection(_ error: any Error) -> Bool {
        switch error {
        case let e as NIOConnectionError: e.connectionErrors.contains { refusedConnection($0.error) }
        case let e as IOError: e.errnoCode == ECONNREFUSED
        default: false
        }
    }

    /// A failure to connect in words: the system's reason, never a type dump.
    static func words(_ error: any Error, _ headers: [(String, String)] = []) -> String {
        switch error {
        case let e as NIOConnectionError:
            if let failure = e.connectionErrors.first { return words(failure.error, headers) }
            if e.dnsAError != nil || e.dnsAAAAError != nil { return "the name \(e.host) could not be resolved" }
            return "no address of \(e.host) answered"
        case let e as IOError:
            return String(cString: strerror(e.errnoCode)).lowercased()
        case let e as HTTPClientError where e == .remoteConnectionClosed:
            return "the server closed the connection"
        case let e as NIOSSLError where e == .uncleanShutdown:
            return "the server closed the connection before its answer was complete"
        case let e as NIOSSLError where e == .noSuchFilesystemObject || e == .failedToLoadCertificate:
            return "the trusted certificates could not be loaded (did a file named by SSL_CERT_FILE, SSL_CERT_DIR or SWITCHBOARD_CA_FILE change?)"
        case is NIOSSLError, is NIOSSLExtraError, is BoringSSLError:
            return "the secure connection failed"
        default:
            let text = withoutHeaderValues("\(error)", headers)
            // Never a library's internals: a source path, a build directory, an error stack.
            if ["/.build/", "/Sources/", "BoringSSL", "NIOSSL", "OPENSSL_internal"].contains(where: text.contains) {
                return "the connection failed"
            }
            return Redact.serverText(text, limit: 200)
        }
    }
}
