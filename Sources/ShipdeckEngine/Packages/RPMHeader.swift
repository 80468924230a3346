import Foundation

/// An rpm header structure (the signature header and the main header share it): magic, the
/// index of 16-byte entries (tag, type, offset, count; big-endian, sorted by tag) and the data
/// store, with an immutable region tag first whose trailer closes the data (rpm's hregions.md).
struct RPMHeader {
    /// The tag types of rpmtag.h, and how each is stored.
    enum Value {
        case int16([UInt16])
        case int32([UInt32])
        case string(String)
        case binary([UInt8])
        case stringArray([String])
        /// RPM_I18NSTRING_TYPE with one value (the "C" locale of HEADERI18NTABLE).
        case i18n(String)

        var type: UInt32 {
            switch self {
            case .int16: 3
            case .int32: 4
            case .string: 6
            case .binary: 7
            case .stringArray: 8
            case .i18n: 9
            }
        }

        var count: UInt32 {
            switch self {
            case .int16(let v): UInt32(v.count)
            case .int32(let v): UInt32(v.count)
            case .string, .i18n: 1
            case .binary(let v): UInt32(v.count)
            case .stringArray(let v): UInt32(v.count)
            }
        }

        var alignment: Int {
            switch self {
            case .int16: 2
            case .int32: 4
            default: 1
            }
        }

        var bytes: [UInt8] {
            switch self {
            case .int16(let values): values.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
            case .int32(let values): values.flatMap { RPMHeader.bigEndian($0) }
            case .string(let s), .i18n(let s): Array(s.utf8) + [0]
            case .binary(let b): b
            case .stringArray(let list): list.flatMap { Array($0.utf8) + [0] }
            }
        }
    }

    /// RPMTAG_HEADERSIGNATURES (62) for the signature header, RPMTAG_HEADERIMMUTABLE (63) for the main one.
    let regionTag: UInt32
    private var entries: [UInt32: Value] = [:]

    init(regionTag: UInt32) { self.regionTag = regionTag }

    subscript(tag: UInt32) -> Value? {
        get { entries[tag] }
        set { entries[tag] = newValue }
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
    }

    /// The serialized header: magic, counts, index, data (with the region trailer last).
    var bytes: [UInt8] {
        let tags = entries.keys.sorted()
        let indexCount = tags.count + 1
        var index: [UInt8] = []
        var data: [UInt8] = []
        var regionIndex: [UInt8] = []
        for tag in tags {
            let value = entries[tag]!
            while data.count % value.alignment != 0 { data.append(0) }
            index +=
                Self.bigEndian(tag) + Self.bigEndian(value.type) + Self.bigEndian(UInt32(data.count))
                + Self.bigEndian(value.count)
            data += value.bytes
        }
        // The region: its index entry points at a trailer, itself an index entry whose (negative)
        // offset spans every index entry of the region.
        let trailerOffset = UInt32(data.count)
        data +=
            Self.bigEndian(regionTag) + Self.bigEndian(7)
            + Self.bigEndian(UInt32(bitPattern: -Int32(indexCount * 16))) + Self.bigEndian(16)
        regionIndex = Self.bigEndian(regionTag) + Self.bigEndian(7) + Self.bigEndian(trailerOffset) + Self.bigEndian(16)
        return [0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0] + Self.bigEndian(UInt32(indexCount))
            + Self.bigEndian(UInt32(data.count))
            + regionIndex + index + data
    }
}

/// The rpm tags Shipdeck writes (rpmtag.h of rpm 4.18).
enum RPMTag {
    static let headerSignatures: UInt32 = 62
    static let headerImmutable: UInt32 = 63
    static let headerI18nTable: UInt32 = 100

    // Signature header.
    static let sigDSA: UInt32 = 267  // RPMSIGTAG_DSA: OpenPGP DSA/EdDSA/ECDSA signature of the header
    static let sigRSA: UInt32 = 268  // RPMSIGTAG_RSA: OpenPGP RSA signature of the header
    static let sigSHA1: UInt32 = 269
    static let sigSHA256: UInt32 = 273
    static let sigSize: UInt32 = 1000
    static let sigMD5: UInt32 = 1004
    static let sigPayloadSize: UInt32 = 1007

    // Main header.
    static let name: UInt32 = 1000, version: UInt32 = 1001, release: UInt32 = 1002, epoch: UInt32 = 1003
    static let summary: UInt32 = 1004, description: UInt32 = 1005, buildTime: UInt32 = 1006, buildHost: UInt32 = 1007
    static let size: UInt32 = 1009, vendor: UInt32 = 1011, license: UInt32 = 1014, packager: UInt32 = 1015
    static let group: UInt32 = 1016, url: UInt32 = 1020, os: UInt32 = 1021, arch: UInt32 = 1022
    static let preIn: UInt32 = 1023, postIn: UInt32 = 1024, preUn: UInt32 = 1025, postUn: UInt32 = 1026
    static let fileSizes: UInt32 = 1028, fileModes: UInt32 = 1030, fileRDevs: UInt32 = 1033, fileMTimes: UInt32 = 1034
    static let fileDigests: UInt32 = 1035, fileLinkTos: UInt32 = 1036, fileFlags: UInt32 = 1037
    static let fileUserName: UInt32 = 1039, fileGroupName: UInt32 = 1040, sourceRPM: UInt32 = 1044
    static let fileVerifyFlags: UInt32 = 1045
    static let provideName: UInt32 = 1047, requireFlags: UInt32 = 1048, requireName: UInt32 = 1049
    static let requireVersion: UInt32 = 1050, conflictFlags: UInt32 = 1053, conflictName: UInt32 = 1054
    static let conflictVersion: UInt32 = 1055
    static let preInProg: UInt32 = 1085, postInProg: UInt32 = 1086, preUnProg: UInt32 = 1087, postUnProg: UInt32 = 1088
    static let obsoleteName: UInt32 = 1090, fileDevices: UInt32 = 1095, fileINodes: UInt32 = 1096
    static let fileLangs: UInt32 = 1097, provideFlags: UInt32 = 1112, provideVersion: UInt32 = 1113
    static let obsoleteFlags: UInt32 = 1114, obsoleteVersion: UInt32 = 1115
    static let dirIndexes: UInt32 = 1116, baseNames: UInt32 = 1117, dirNames: UInt32 = 1118
    static let payloadFormat: UInt32 = 1124, payloadCompressor: UInt32 = 1125, payloadFlags: UInt32 = 1126
    static let fileDigestAlgo: UInt32 = 5011
    static let recommendName: UInt32 = 5046, recommendVersion: UInt32 = 5047, recommendFlags: UInt32 = 5048
    static let suggestName: UInt32 = 5049, suggestVersion: UInt32 = 5050, suggestFlags: UInt32 = 5051
    static let encoding: UInt32 = 5062
    static let payloadDigest: UInt32 = 5092, payloadDigestAlgo: UInt32 = 5093
}
