/// "Did you mean" suggestions for misspelt keys and slugs.
///
/// Written by hand: none of the project's libraries offers an edit distance. This is the optimal string
/// alignment distance, which counts a swap of two neighbouring letters (`teir` → `tier`) as one edit.
public enum Suggestion {
  /// The candidate closest to `word`, when it is close enough to be a likely typo.
  static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
    let limit = word.count <= 4 ? 1 : 2
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
      let distance = Suggestion.distance(word.lowercased(), candidate.lowercased())
      if distance <= max(limit, 2), distance < (best?.distance ?? Int.max) {
        best = (candidate, distance)
      }
    }
    guard let best, best.distance <= limit || isPrefixMatch(word, best.candidate) else { return nil }
    return best.candidate
  }

  /// ` (did you mean 'x'?)` or an empty string.
  public static func hint(for word: String, in candidates: some Sequence<String>) -> String {
    closest(to: word, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
  }

  // A short word that differs from a longer key by a swap plus a missing tail (`teir` → `tiers`).
  private static func isPrefixMatch(_ word: String, _ candidate: String) -> Bool {
    distance(word, String(candidate.prefix(word.count))) <= 1 && candidate.count - word.count <= 1
  }

  static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars)
    let b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { table[i][0] = i }
    for j in 0...b.count { table[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
        }
      }
    }
    return table[a.count][b.count]
  }
}
