import Foundation

extension OAuthFixture {
    /// The URL of the resource metadata this layout publishes.
    public var resourceMetadataURL: String? {
        switch options.layout {
        case .chain: origin + "/meta/protected-resource.json"
        case .resourcePathSuffixed: origin + "/.well-known/oauth-protected-resource" + options.mcpPath
        case .legacyOriginMetadata, .legacyNoMetadata: nil
        default: origin + "/.well-known/oauth-protected-resource"
        }
    }

    func resourceMetadata(_ request: FixtureRequest) -> FixtureResponse? {
        guard request.method == "GET", let url = resourceMetadataURL, origin + request.path == url else { return nil }
        var m: [String: Any] = ["resource": serverURL.absoluteString, "authorization_servers": [movedTo?.issuer ?? issuer],
                                "scopes_supported": options.scopesSupported, "resource_name": "Switchboard fixture"]
        options.misbehaviour?.value.adjustResourceMetadata(&m, fixture: self)
        return .json(m)
    }

    /// The path at which this layout publishes authorization-server metadata.
    public var authorizationMetadataPath: String? {
        switch options.layout {
        case .origin, .chain, .resourcePathSuffixed, .legacyOriginMetadata: "/.well-known/oauth-authorization-server"
        case .asPathInsertion: "/.well-known/oauth-authorization-server/tenant1"
        case .oidcPathInsertion: "/.well-known/openid-configuration/tenant1"
        case .oidcPathAppended: "/tenant1/.well-known/openid-configuration"
        case .oidcRoot: "/.well-known/openid-configuration"
        case .legacyNoMetadata: nil
        }
    }

    func authorizationServerMetadata(_ request: FixtureRequest) -> FixtureResponse? {
        guard request.method == "GET", let path = authorizationMetadataPath, request.path == path else { return nil }
        return .json(authorizationMetadata)
    }

    public var authorizationMetadata: [String: Any] {
        let base = authOrigin
        var m: [String: Any] = [
            "issuer": issuer,
            "authorization_endpoint": base + "/authorize",
            "token_endpoint": base + "/token",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "scopes_supported": options.scopesSupported,
        ]
        m["code_challenge_methods_supported"] = ["S256"]
        switch options.registration {
        case .absent: break
        default: m["registration_endpoint"] = base + "/register"
        }
        switch options.registration {
        case .basicOnly: m["token_endpoint_auth_methods_supported"] = ["client_secret_basic"]
        case .postOnly: m["token_endpoint_auth_methods_supported"] = ["client_secret_post"]
        default: m["token_endpoint_auth_methods_supported"] = ["none", "client_secret_basic", "client_secret_post"]
        }
        if options.revocation { m["revocation_endpoint"] = base + "/revoke" }
        if options.issParameter { m["authorization_response_iss_parameter_supported"] = true }
        if options.deviceFlow != nil {
            m["device_authorization_endpoint"] = base + "/device"
            m["grant_types_supported"] = ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"]
        }
        if options.clientIDMetadataDocuments { m["client_id_metadata_document_supported"] = true }
        options.misbehaviour?.value.adjustAuthorizationMetadata(&m, fixture: self)
        return m
    }
}
