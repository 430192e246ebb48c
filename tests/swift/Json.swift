// A small JSON reader for the test vectors; numbers keep their literal text so that 64-bit
// values compare exactly.
import Foundation

indirect enum JSON: Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && x.allSatisfy { kv in y.contains { $0.0 == kv.0 && $0.1 == kv.1 } }
        default: return false
        }
    }

    subscript(key: String) -> JSON? {
        if case let .object(pairs) = self { return pairs.first { $0.0 == key }?.1 }
        return nil
    }

    var string: String? { if case let .string(s) = self { return s }; return nil }
    var array: [JSON]? { if case let .array(a) = self { return a }; return nil }
    var u64: UInt64? { if case let .number(n) = self { return UInt64(n) }; return nil }

    var description: String {
        switch self {
        case .null: return "null"
        case let .bool(b): return b ? "true" : "false"
        case let .number(n): return n
        case let .string(s): return "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case let .array(a): return "[" + a.map { $0.description }.joined(separator: ",") + "]"
        case let .object(o): return "{" + o.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
        }
    }

    static func parse(_ text: String) throws -> JSON {
        var p = Parser(chars: Array(text.unicodeScalars))
        p.ws()
        let v = try p.value()
        p.ws()
        if p.i != p.chars.count { throw JSONError.bad("trailing data") }
        return v
    }
}

enum JSONError: Error { case bad(String) }

private struct Parser {
    let chars: [Unicode.Scalar]
    var i = 0

    mutating func ws() { while i < chars.count, " \t\r\n".unicodeScalars.contains(chars[i]) { i += 1 } }

    mutating func value() throws -> JSON {
        guard i < chars.count else { throw JSONError.bad("unexpected end") }
        switch chars[i] {
        case "{": return try object()
        case "[": return try array()
        case "\"": return .string(try string())
        case "t": i += 4; return .bool(true)
        case "f": i += 5; return .bool(false)
        case "n": i += 4; return .null
        default:
            let start = i
            while i < chars.count, "-+.eE0123456789".unicodeScalars.contains(chars[i]) { i += 1 }
            if start == i { throw JSONError.bad("unexpected \(chars[i]) at \(i)") }
            return .number(String(String.UnicodeScalarView(chars[start..<i])))
        }
    }

    mutating func object() throws -> JSON {
        var pairs: [(String, JSON)] = []
        i += 1; ws()
        if chars[i] == "}" { i += 1; return .object(pairs) }
        while true {
            ws(); let k = try string(); ws()
            guard chars[i] == ":" else { throw JSONError.bad("expected : at \(i)") }
            i += 1; ws()
            pairs.append((k, try value())); ws()
            if chars[i] == "," { i += 1; continue }
            if chars[i] == "}" { i += 1; return .object(pairs) }
            throw JSONError.bad("expected , or } at \(i)")
        }
    }

    mutating func array() throws -> JSON {
        var items: [JSON] = []
        i += 1; ws()
        if chars[i] == "]" { i += 1; return .array(items) }
        while true {
            ws(); items.append(try value()); ws()
            if chars[i] == "," { i += 1; continue }
            if chars[i] == "]" { i += 1; return .array(items) }
            throw JSONError.bad("expected , or ] at \(i)")
        }
    }

    mutating func string() throws -> String {
        guard chars[i] == "\"" else { throw JSONError.bad("expected string at \(i)") }
        i += 1
        var out = String.UnicodeScalarView()
        while true {
            guard i < chars.count else { throw JSONError.bad("unterminated string") }
            let c = chars[i]; i += 1
            if c == "\"" { return String(out) }
            if c != "\\" { out.append(c); continue }
            let e = chars[i]; i += 1
            switch e {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "b": out.append("\u{8}")
            case "f": out.append("\u{c}")
            case "u":
                var code = UInt32(String(String.UnicodeScalarView(chars[i..<i + 4])), radix: 16)!
                i += 4
                if (0xD800..<0xDC00).contains(code), chars[i] == "\\", chars[i + 1] == "u" {
                    let low = UInt32(String(String.UnicodeScalarView(chars[i + 2..<i + 6])), radix: 16)!
                    i += 6
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                out.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default: out.append(e)
            }
        }
    }
}
