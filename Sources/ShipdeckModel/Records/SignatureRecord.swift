import Foundation

/// Where one signature of one file stands.
public struct SignatureRecord: Codable, Sendable, Hashable {
    public enum State: String, Codable, Sendable { case pending, signing, signed, verified, failed }
    public var file: String
    public var signer: String
    public var signature: String?
    public var state: State
    public var detail: String?

    public init(file: String, signer: String, signature: String? = nil, state: State, detail: String? = nil) {
        self.file = file
        self.signer = signer
        self.signature = signature
        self.state = state
        self.detail = detail
    }
}
