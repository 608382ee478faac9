package study

// quizNormalize folds an answer to a fill-in-the-blank so that what a
// member types on a phone compares equal to the key phrase whatever the
// input method did. It is exactly the daily recitation's comparison
// (NormalizeAnswer: full-/half-width, spaces, punctuation and symbols,
// ASCII case — issue 3 item 2), so that a phrase recited right in the
// morning is right in the month's quiz too.
func quizNormalize(s string) string { return NormalizeAnswer(s) }

// quizAnswerMatches reports whether a typed answer equals the key phrase
// after normalisation. An empty key never matches (a blank must blank
// something).
func quizAnswerMatches(given, key string) bool {
	k := quizNormalize(key)
	return k != "" && quizNormalize(given) == k
}
