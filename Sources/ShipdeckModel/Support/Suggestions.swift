/// "Did you mean" by edit distance, for keys and targets.
public enum Suggestions {
    public static func closest(to word: String, in candidates: [String], limit: Int = 3) -> [String] {
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
        let best = scored.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        let threshold = max(2, word.count / 2)
        return best.filter { $0.1 <= threshold }.prefix(limit).map(\.0)
    }

    /// Damerau–Levenshtein (optimal string alignment): `amd46` is one transposition from `amd64`.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
