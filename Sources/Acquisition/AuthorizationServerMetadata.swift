import Foundation
import SwitchboardCore

/// RFC 8414 / OpenID Connect Discovery authorization-server metadata (the fields Switchboard uses).
public struct AuthorizationServerMetadata: Codable, Equatable, Sendable {
    public var issuer: String
    public var authorizationEndpoint: String?
    public var tokenEndpoint: String?
    public var registrationEndpoint: String?
    public var revocationEndpoint: String?
    public var deviceAuthorizationEndpoint: String?
    public var scopesSupported: [String]?
    public var codeChallengeMethodsSupported: [String]?
    public var tokenEndpointAuthMethodsSupported: [String]?
    public var grantTypesSupported: [String]?
    public var authorizationResponseIssParameterSupported: Bool?
    public var clientIDMetadataDocumentSupported: Bool?

    public init(issuer: String, authorizationEndpoint: String?, tokenEndpoint: String?, registrationEndpoint: String? = nil,
                revocationEndpoint: String? = nil, deviceAuthorizationEndpoint: String? = nil, scopesSupported: [String]? = nil,
                codeChallengeMethodsSupported: [String]?, tokenEndpointAuthMethodsSupported: [String]? = nil,
                grantTypesSupported: [String]? = nil, authorizationResponseIssParameterSupported: Bool? = nil,
                clientIDMetadataDocumentSupported: Bool? = nil) {
        self.issuer = issuer
        self.authorizationEndpoint = authorizationEndpoint
        self.tokenEndpoint = tokenEndpoint
        self.registrationEndpoint = registrationEndpoint
        self.revocationEndpoint = revocationEndpoint
        self.deviceAuthorizationEndpoint = deviceAuthorizationEndpoint
        self.scopesSupported = scopesSupported
        self.codeChallengeMethodsSupported = codeChallengeMethodsSupported
        self.tokenEndpointAuthMethodsSupported = tokenEndpointAuthMethodsSupported
        self.grantTypesSupported = grantTypesSupported
        self.authorizationResponseIssParameterSupported = authorizationResponseIssParameterSupported
        self.clientIDMetadataDocumentSupported = clientIDMetadataDocumentSupported
    }

    enum CodingKeys: String, CodingKey {
        case issuer
        case authorizationEndpoint = "authorization_endpoint"
        case tokenEndpoint = "token_endpoint"
        case registrationEndpoint = "registration_endpoint"
        case revocationEndpoint = "revocation_endpoint"
        case deviceAuthorizationEndpoint = "device_authorization_endpoint"
        case scopesSupported = "scopes_supported"
        case codeChallengeMethodsSupported = "code_challenge_methods_supported"
        case tokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported"
        case grantTypesSupported = "grant_types_supported"
        case authorizationResponseIssParameterSupported = "authorization_response_iss_parameter_supported"
        case clientIDMetadataDocumentSupported = "client_id_metadata_document_supported"
    }
}
