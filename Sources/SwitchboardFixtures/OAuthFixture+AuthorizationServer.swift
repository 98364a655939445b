import Foundation

extension OAuthFixture {
    func authorizationServer(_ request: FixtureRequest) -> FixtureResponse? {
        switch (request.method, request.path) {
        case ("POST", "/register") where options.registration != .absent: return register(request)
        case ("GET", "/authorize"): return authorize(request)
        case ("POST", "/token"): return token(request)
        case ("POST", "/revoke") where options.revocation: return revoke(request)
        case ("POST", "/device") where options.deviceFlow != nil: return device(request)
        default: return nil
        }
    }

    func register(_ request: FixtureRequest) -> FixtureResponse {
        if options.registration == .closed {
            return .json(["error": "access_denied", "error_description": options.closedRegistrationText], status: 403)
        }
        guard let body = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any],
              let redirects = body["redirect_uris"] as? [String], !redirects.isEmpty else {
            return .json(["error": "invalid_client_metadata"], status: 400)
        }
        let method = body["token_endpoint_auth_method"] as? String ?? "client_secret_basic"
        switch options.registration {
        case .basicOnly where method != "client_secret_basic", .postOnly where method != "client_secret_post":
            return .json(["error": "invalid_client_metadata", "error_description": "unsupported token_endpoint_auth_method"], status: 400)
        default: break
        }
        let id = decorate(nextID("client"), .clientID)
        let secret = method == "none" ? nil : nextID("secret")
        state.withLock { s in
            s.counters.registrations += 1
            s.counters.lastRegistrationBody = body.mapValues { "\($0)" }
            s.clients[id] = Client(secret: secret, method: method, redirectURIs: redirects)
        }
        var out: [String: Any] = ["client_id": id, "redirect_uris": redirects, "token_endpoint_auth_method": method]
        if let secret { out["client_secret"] = secret; out["client_secret_expires_at"] = 0 }
        options.misbehaviour?.value.adjustRegistration(&out)
        return .json(out, status: 201)
    }

    func authorize(_ request: FixtureRequest) -> FixtureResponse {
        let q = Dictionary(request.query, uniquingKeysWith: { a, _ in a })
        state.withLock { $0.counters.authorizations += 1; $0.counters.lastAuthorizationQuery = q }
        guard let clientID = q["client_id"], let redirect = q["redirect_uri"] else { return .text("missing client_id or redirect_uri", status: 400) }
        state.withLock { _ = $0.counters.clientIDsSeen.insert(clientID) }
        guard let client = client(clientID) else { return .text("unknown client", status: 400) }
        guard client.redirectURIs.isEmpty || client.redirectURIs.contains(redirect) else { return .text("redirect_uri not registered", status: 400) }
        guard q["response_type"] == "code", q["code_challenge_method"] == "S256", let challenge = q["code_challenge"] else {
            return .text("PKCE S256 required", status: 400)
        }
        var answer: [(String, String)]
        if options.denyAccess {
            answer = [("error", "access_denied"), ("error_description", "The user said no")]
        } else {
            let code = nextID("code")
            state.withLock { $0.codes[code] = Code(clientID: clientID, redirectURI: redirect, challenge: challenge, resource: q["resource"], scope: q["scope"]) }
            answer = [("code", code)]
        }
        answer.append(("state", q["state"] ?? ""))
        if options.issParameter { answer.append(("iss", issuer)) }
        options.misbehaviour?.value.adjustAuthorizationAnswer(&answer, fixture: self)
        return FixtureResponse(status: 302, headers: [("Location", redirect + "?" + FixtureForm.encode(answer))])
    }

    /// Authenticates the client per its registered method; returns the client id or an error response.
    func authenticate(_ request: FixtureRequest, form: [String: String]) -> Result<String, FixtureResponse> {
        var id = form["client_id"], secret = form["client_secret"], via = secret == nil ? "none" : "client_secret_post"
        if let auth = request.header("Authorization"), auth.hasPrefix("Basic "),
           let decoded = Data(base64Encoded: String(auth.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) }) {
            // RFC 6749 §2.3: never more than one authentication method in a request.
            if secret != nil {
                return .failure(.json(["error": "invalid_request", "error_description": "more than one client authentication method"], status: 400))
            }
            let parts = decoded.split(separator: ":", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            if parts.count == 2 {
                if let named = id, named != parts[0] {
                    return .failure(.json(["error": "invalid_client", "error_description": "client_id does not match Basic"], status: 401))
                }
                id = parts[0]; secret = parts[1]; via = "client_secret_basic"
            }
        }
        if let id { state.withLock { _ = $0.counters.clientIDsSeen.insert(id) } }
        if let secret { state.withLock { _ = $0.counters.clientSecretsSeen.insert(secret) } }
        guard let id, let client = client(id) else {
            return .failure(.json(["error": "invalid_client"], status: 401))
        }
        if client.method != "none" && (client.method != via || client.secret != secret) {
            return .failure(.json(["error": "invalid_client", "error_description": "wrong client authentication"], status: 401))
        }
        return .success(id)
    }

    func token(_ request: FixtureRequest) -> FixtureResponse {
        let form = request.form
        state.withLock { $0.counters.lastTokenForm = form; $0.counters.lastTokenAuthorizationHeader = request.header("Authorization") }
        if let answer = options.misbehaviour?.value.answerTokenRequest(request, fixture: self) { return answer }
        let clientID: String
        switch authenticate(request, form: form) {
        case .failure(let r): return r
        case .success(let id): clientID = id
        }
        switch form["grant_type"] {
        case "authorization_code":
            state.withLock { $0.counters.codeExchanges += 1 }
            guard let code = form["code"] else { return .json(["error": "invalid_request"], status: 400) }
            let stored: Code? = state.withLock { s in
                guard !s.usedCodes.contains(code) else { return nil }
                s.usedCodes.insert(code)
                return s.codes.removeValue(forKey: code)
            }
            guard let stored, stored.clientID == clientID, stored.redirectURI == form["redirect_uri"],
                  let verifier = form["code_verifier"], OAuthFixture.s256(verifier) == stored.challenge,
                  stored.resource == form["resource"] else {
                return .json(["error": "invalid_grant", "error_description": "code, PKCE verifier, redirect_uri or resource do not match"], status: 400)
            }
            return issue(clientID: clientID, scope: stored.scope, resource: stored.resource, refresh: options.issueRefreshTokens ? nextID("rt") : nil)
        case "refresh_token":
            guard let rt = form["refresh_token"] else { return .json(["error": "invalid_request"], status: 400) }
            let found: Refresh? = state.withLock { s in
                s.counters.refreshes += 1
                guard let r = s.refresh[rt] else { return nil }
                if !r.valid { s.counters.refreshTokenReuse += 1; return nil }
                if options.rotateRefreshTokens { s.refresh[rt]!.valid = false }
                return r
            }
            if options.refreshFails { return .json(["error": "invalid_grant", "error_description": "refresh token revoked"], status: 400) }
            if state.withLock({ $0.refreshUnavailable }) { return .json(["error": "temporarily_unavailable"], status: 503) }
            guard let found, found.clientID == clientID else { return .json(["error": "invalid_grant"], status: 400) }
            guard found.resource == form["resource"] else { return .json(["error": "invalid_target"], status: 400) }
            let newRT = options.rotateRefreshTokens ? nextID("rt") : nil
            return issue(clientID: clientID, scope: found.scope, resource: found.resource, refresh: newRT)
        case "urn:ietf:params:oauth:grant-type:device_code":
            guard let code = form["device_code"] else { return .json(["error": "invalid_request"], status: 400) }
            let record: (clientID: String, polls: Int, resource: String?, scope: String?)? = state.withLock { s in
                s.counters.devicePolls.append(Date())
                s.devices[code]?.polls += 1
                return s.devices[code]
            }
            guard let record, record.clientID == clientID else { return .json(["error": "invalid_grant"], status: 400) }
            let answer: String? = switch (options.deviceFlow, record.polls) {
            case (.approve, 1...2): "authorization_pending"
            case (.slowDownThenApprove, 1): "slow_down"
            case (.slowDownThenApprove, 2): "authorization_pending"
            case (.expire, 1): "authorization_pending"
            case (.expire, _): "expired_token"
            case (.deny, _): "access_denied"
            default: nil
            }
            if let answer { return .json(["error": answer], status: 400) }
            state.withLock { _ = $0.devices.removeValue(forKey: code) }
            return issue(clientID: clientID, scope: record.scope, resource: record.resource, refresh: options.issueRefreshTokens ? nextID("rt") : nil)
        default:
            return .json(["error": "unsupported_grant_type"], status: 400)
        }
    }

    func device(_ request: FixtureRequest) -> FixtureResponse {
        let form = request.form
        guard case .success(let clientID) = authenticate(request, form: form) else { return .json(["error": "invalid_client"], status: 401) }
        let code = nextID("device")
        let user = decorate(String(nextID("U").suffix(8)).uppercased(), .userCode)
        state.withLock { $0.devices[code] = (clientID, 0, form["resource"], form["scope"]) }
        return .json(["device_code": code, "user_code": user, "verification_uri": decorate(authOrigin + "/activate", .verificationURI),
                      "verification_uri_complete": authOrigin + "/activate?user_code=" + user, "expires_in": 600, "interval": 1])
    }

    func issue(clientID: String, scope: String?, resource: String?, refresh: String?) -> FixtureResponse {
        let access = nextID("at")
        let lifetime = options.accessTokenLifetime
        state.withLock { s in
            s.access[access] = Access(expiresAt: lifetime.map { Date().addingTimeInterval(TimeInterval($0)) }, scope: scope, resource: resource)
            if let refresh { s.refresh[refresh] = Refresh(clientID: clientID, scope: scope, resource: resource) }
        }
        var out: [String: Any] = ["access_token": access, "token_type": "bearer"]
        if let lifetime { out["expires_in"] = lifetime }
        if let refresh { out["refresh_token"] = refresh }
        if let scope { out["scope"] = scope }
        options.misbehaviour?.value.adjustTokenAnswer(&out)
        return .json(out, headers: [("Cache-Control", "no-store")])
    }

    func revoke(_ request: FixtureRequest) -> FixtureResponse {
        let form = request.form
        guard case .success = authenticate(request, form: form), let token = form["token"] else { return .json(["error": "invalid_client"], status: 401) }
        state.withLock { s in
            s.counters.revocations.append(form["token_type_hint"] ?? "")
            s.access[token]?.revoked = true
            s.refresh[token]?.valid = false
        }
        return FixtureResponse(status: 200)
    }
}
