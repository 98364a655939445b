import Foundation
import SwitchboardCore
import Testing

@Suite struct ServerURLTests {
    @Test(arguments: ["https://mcp.example.com/mcp", "http://127.0.0.1:8080/mcp", "http://localhost:3000", "http://[::1]:9/x", "http://127.5.6.7/"])
    func accepts(_ text: String) throws {
        #expect(try ServerURL.parse(text).absoluteString == text)
    }

    @Test(arguments: [
        ("http://example.com/mcp", "https"),
        ("ftp://example.com", "only https"),
        ("not a url", "is not a URL"),
        ("https://user:pw@example.com", "password"),
        ("https://example.com/#frag", "fragment"),
        ("http://128.0.0.1/", "https"),
        ("http://127.0.0.1.evil.com/", "https"),
    ])
    func refuses(_ text: String, _ phrase: String) {
        #expect {
            _ = try ServerURL.parse(text)
        } throws: { error in
            "\(error)".contains(phrase)
        }
    }

    @Test func canonicalResource() {
        #expect(ServerURL.canonicalResource(URL(string: "HTTPS://MCP.Example.com:443/mcp/")!) == "https://mcp.example.com/mcp")
        #expect(ServerURL.canonicalResource(URL(string: "https://mcp.example.com/")!) == "https://mcp.example.com")
        #expect(ServerURL.canonicalResource(URL(string: "http://127.0.0.1:8080/a/b?x=1#f")!) == "http://127.0.0.1:8080/a/b")
    }

    @Test func names() throws {
        try Connection.validateName("linear-2.prod_x")
        #expect(throws: InvalidInput.self) { try Connection.validateName("") }
        #expect(throws: InvalidInput.self) { try Connection.validateName("-x") }
        #expect(throws: InvalidInput.self) { try Connection.validateName("has space") }
        #expect(throws: InvalidInput.self) { try Connection.validateName(String(repeating: "a", count: 65)) }
    }

    /// Only literal loopback is loopback: `*.localhost` goes to whatever DNS says.
    @Test func dotLocalhostIsNotLoopback() {
        #expect(!ServerURL.isLoopback(host: "evil.localhost"))
        #expect(!ServerURL.isLoopback(host: "127.0.0.1.nip.io"))
        #expect(ServerURL.isLoopback(host: "localhost") && ServerURL.isLoopback(host: "[::1]") && ServerURL.isLoopback(host: "127.9.9.9"))
        #expect(throws: InvalidInput.self) { try ServerURL.parse("http://evil.localhost:8080/mcp") }
    }

    /// A remote server may not send Switchboard's credentials to plain http on this machine's loopback.
    @Test func plainLoopbackEndpointsOnlyForALoopbackServer() {
        let token = URL(string: "http://127.0.0.1:9000/token")!
        #expect(!ServerURL.isAllowedEndpoint(token, advertisedBy: URL(string: "https://mcp.example.com/mcp")!))
        #expect(ServerURL.isAllowedEndpoint(token, advertisedBy: URL(string: "http://127.0.0.1:8000/mcp")!))
        #expect(ServerURL.isAllowedEndpoint(URL(string: "https://as.example.com/token")!, advertisedBy: URL(string: "http://127.0.0.1:8000/mcp")!))
        #expect(!ServerURL.isAllowedEndpoint(URL(string: "http://as.example.com/token")!, advertisedBy: URL(string: "http://127.0.0.1:8000/mcp")!))
    }

    /// Every spelling of this machine a remote server could name, over any scheme: none is allowed when a
    /// remote server names it; a server on this machine may name them.
    @Test(arguments: ["https://127.0.0.1:9/x", "https://127.8.9.10/", "https://localhost/", "https://LOCALHOST./", "https://evil.localhost/",
                      "https://[::1]/", "https://[::]/", "https://[::ffff:127.0.0.1]/", "https://[::ffff:7f00:1]/", "https://0.0.0.0/",
                      "https://127.1/", "https://2130706433/", "https://0x7f000001/", "https://0177.0.0.1/", "http://127.0.0.1:9/token"])
    func aRemoteServerMayNotNameThisMachine(_ text: String) {
        let url = URL(string: text)!
        #expect(!ServerURL.isAllowedEndpoint(url, advertisedBy: URL(string: "https://mcp.example.com/mcp")!), "\(text)")
        #expect(ServerURL.endpointRefusal(url, advertisedBy: URL(string: "https://mcp.example.com/mcp")!) == .thisMachine, "\(text)")
        #expect(ServerURL.isAllowedEndpoint(url, advertisedBy: URL(string: "http://127.0.0.1:8000/mcp")!) == (url.scheme == "https" || ServerURL.isLoopback(host: url.host!)), "\(text)")
    }

    @Test(arguments: ["https://as.example.com/token", "https://10.0.0.5/", "https://[2001:db8::1]/", "https://1270.0.0.1.example/"])
    func otherHostsAreNotThisMachine(_ text: String) {
        #expect(ServerURL.isAllowedEndpoint(URL(string: text)!, advertisedBy: URL(string: "https://mcp.example.com/mcp")!), "\(text)")
    }

    /// A redirect port chosen for a connection lies below the kernel's ephemeral range, so no outgoing
    /// connection of another program takes it before the next sign-in.
    @Test func redirectPortsAreChosenOutsideTheEphemeralRange() throws {
        let range = try String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)
        let low = try #require(range.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) })
        for _ in 0..<20 {
            let port = try FreePort.pick()
            #expect(port >= 1024 && port < low, "\(port) is in the ephemeral range \(range)")
        }
    }
}
