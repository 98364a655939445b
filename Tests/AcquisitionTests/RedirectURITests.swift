import Acquisition
import EngineTestSupport
import Foundation
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
import Testing

/// The redirect URI in the authorization request and the token request is always the one the loopback
/// listener is bound to (RFC 8252 §7.3), whatever an earlier registration or an earlier port said.
@Suite struct RedirectURITests {
    /// A device-flow registration has a port-less redirect URI. A later browser sign-in does not send the
    /// browser to port 80 with it: the registration cannot cover the listener, so a client is registered for it.
    @Test func aBrowserSignInAfterADeviceRegistrationUsesItsListener() async throws {
        try await withHarness(Harness.make(FixtureOptions { $0.deviceFlow = .approve }, callbackTimeout: .seconds(5))) { h in
            let id = try h.add()
            let device = await h.connect(id, options: ConnectOptions(preferDevice: true))
            #expect(device.connected, "\(device.failure.map { "\($0)" } ?? "")")
            #expect(try h.secrets(id).registrations[h.fixture.issuer]?.redirectURI == "http://127.0.0.1/callback")

            let events = await h.connect(id)
            #expect(events.connected, "\(events.failure.map { "\($0)" } ?? "")")
            let listener = try #require(events.compactMap { e -> String? in
                if case .waitingForBrowser(_, let redirect, _) = e { redirect } else { nil }
            }.first)
            #expect(URL(string: listener)?.port != nil)
            #expect(h.fixture.counters.lastAuthorizationQuery["redirect_uri"] == listener)
            #expect(h.fixture.counters.lastTokenForm["redirect_uri"] == listener)
            #expect(h.fixture.counters.registrations == 2, "the device client's redirect URI cannot cover the listener: register one that does")
            #expect(try h.secrets(id).registrations[h.fixture.issuer]?.redirectURI == listener)
        }
    }

    /// `set-client --redirect-port` moves the redirect URI: the next sign-in sends the new one (the listener's),
    /// not the one stored with the client at the last sign-in.
    @Test func aNewRedirectPortIsTheOneSent() async throws {
        try await withHarness(Harness.make(FixtureOptions { $0.registration = .closed }, callbackTimeout: .seconds(5))) { h in
            h.fixture.preregister(clientID: "my-client")
            let id = try h.add("figma", kind: .oauthManual, clientID: "my-client")
            #expect(await h.connect(id).connected)
            let old = try #require(try h.secrets(id).registrations[h.fixture.issuer]?.redirectURI)

            var port = try TestPort.pick()
            while AuthScheme.redirectURI(port: port) == old { port = try TestPort.pick() }
            let moved = AuthScheme.redirectURI(port: port)
            // The dashboard now allows only the new URI.
            h.fixture.preregister(clientID: "my-client", redirectURIs: [moved])
            _ = try h.integrations.setManualClient(named: "figma", clientID: "my-client", clientSecret: nil, redirectPort: port)
            let events = await h.connect(id)
            #expect(events.connected, "\(events.failure.map { "\($0)" } ?? "")")
            #expect(h.fixture.counters.lastAuthorizationQuery["redirect_uri"] == moved)
            #expect(h.fixture.counters.lastTokenForm["redirect_uri"] == moved)
        }
    }
}
