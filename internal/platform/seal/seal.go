// Package seal encrypts and authenticates personal data with the Chinese
// national algorithms, as GB/T 39786-2021 §8.4 d–g asks (SECURITY.md §1b):
// SM4-GCM keeps 身份证号, mobile numbers and similar fields confidential at
// rest, HMAC-SM3 blind indexes let the store find a row by exact value
// without holding the plaintext, and HMAC-SM3 MACs protect hash-chain heads
// and audit rows against silent edits (acceptance check 10).
//
// Everything goes through the Sealer interface because 密评 may require a
// certified cryptographic module rather than a pure-Go library; a device or
// service (SDF/SKF) can then implement Sealer without callers changing.
//
// One 32-byte master key is split into independent subkeys with HMAC-SM3
// under fixed labels, so that a leak or misuse of one purpose (say a blind
// index exposed in a log) gives no leverage over another (decrypting fields).
// The labels carry a version so keys can be rotated by adding labels rather
// than reinterpreting old data.
package seal

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"sync"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"

	"zhongshu/internal/platform/errs"
)

// Sealer is what the rest of Zhongshu uses for field crypto. Keys is the
// software implementation; a certified device can replace it.
type Sealer interface {
	// Encrypt seals plain with SM4-GCM under a fresh random 12-byte nonce.
	// The output is version (0x01) || nonce || ciphertext+tag. aad binds the
	// ciphertext to its context (for example table, column and row id) so a
	// value copied into another row fails to open.
	Encrypt(plain, aad []byte) ([]byte, error)
	// Decrypt opens what Encrypt produced. A wrong key, altered bytes or a
	// different aad all return an error and no plaintext (fail closed).
	Decrypt(sealed, aad []byte) ([]byte, error)
	// BlindIndex returns the lower-case hex HMAC-SM3, under the index
	// subkey, of domain+"\x00"+value: deterministic, for equality lookups
	// and unique indexes. The domain keeps indexes of different fields
	// unlinkable; it must be a constant without NUL bytes.
	BlindIndex(domain, value string) string
	// MAC returns HMAC-SM3 of data under the MAC subkey.
	MAC(data []byte) []byte
}

// Subkey derivation labels. Changing one orphans every value sealed or
// indexed under it, so they are fixed forever; rotation adds "/v2".
const (
	labelEnc = "zhongshu/enc/v1"
	labelIdx = "zhongshu/idx/v1"
	labelMAC = "zhongshu/mac/v1"
)

const (
	// MasterKeySize is the required master key length in bytes.
	MasterKeySize = 32
	// Version1 is the first byte of every sealed value: SM4-GCM, 12-byte
	// nonce, 16-byte tag. A version byte lets a later format coexist with
	// stored v1 values during migration.
	Version1  byte = 0x01
	nonceSize      = 12
	tagSize        = 16
)

// ErrOpen is the cause wrapped in every Decrypt failure. Callers see an
// errs.Internal error; the cause is deliberately coarse, since telling an
// attacker which check failed helps them and helps nobody else.
var ErrOpen = errors.New("seal: cannot open sealed value")

// Keys is the software Sealer: SM4-GCM and HMAC-SM3 under subkeys derived
// from one master key. It is safe for concurrent use.
type Keys struct {
	aead cipher.AEAD
	idx  []byte
	mac  []byte
	// Keyed HMAC-SM3 states, reset and reused: hmac.New per call was
	// most of the allocations of a people import and of the points
	// ledger's MACs in the check-in burst (issue 8).
	idxPool, macPool sync.Pool
}

var _ Sealer = (*Keys)(nil)

// New derives the subkeys from a 32-byte master key: HMAC-SM3(master, label)
// for each label, with the first 16 bytes of the encryption one used as the
// SM4 key. The master itself is not retained.
func New(master []byte) (*Keys, error) {
	if len(master) != MasterKeySize {
		return nil, errs.Wrap(fmt.Errorf("master key is %d bytes, want %d", len(master), MasterKeySize), "seal.New")
	}
	enc := derive(master, labelEnc)
	block, err := sm4.NewCipher(enc[:sm4KeySize])
	if err != nil {
		return nil, errs.Wrap(err, "seal.New: sm4")
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, errs.Wrap(err, "seal.New: gcm")
	}
	k := &Keys{aead: aead, idx: derive(master, labelIdx), mac: derive(master, labelMAC)}
	k.idxPool.New = func() any { return hmac.New(sm3.New, k.idx) }
	k.macPool.New = func() any { return hmac.New(sm3.New, k.mac) }
	return k, nil
}

const sm4KeySize = 16

func derive(master []byte, label string) []byte {
	m := hmac.New(sm3.New, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Encrypt implements Sealer. Nonces are random: at 96 bits the collision
// risk stays negligible well beyond the number of fields a county will ever
// write under one key.
func (k *Keys) Encrypt(plain, aad []byte) ([]byte, error) {
	nonce := make([]byte, nonceSize)
	if _, err := rand.Read(nonce); err != nil {
		return nil, errs.Wrap(err, "seal: nonce")
	}
	return k.seal(nonce, plain, aad), nil
}

// seal does the deterministic part of Encrypt so tests can pin the format
// with a fixed nonce.
func (k *Keys) seal(nonce, plain, aad []byte) []byte {
	out := make([]byte, 0, 1+nonceSize+len(plain)+tagSize)
	out = append(out, Version1)
	out = append(out, nonce...)
	return k.aead.Seal(out, nonce, plain, aad)
}

// Decrypt implements Sealer.
func (k *Keys) Decrypt(sealed, aad []byte) ([]byte, error) {
	if len(sealed) < 1+nonceSize+tagSize || sealed[0] != Version1 {
		return nil, errs.Wrap(ErrOpen, "seal: malformed or unknown version")
	}
	nonce := sealed[1 : 1+nonceSize]
	plain, err := k.aead.Open(nil, nonce, sealed[1+nonceSize:], aad)
	if err != nil {
		return nil, errs.Wrap(ErrOpen, "seal: authentication failed")
	}
	return plain, nil
}

// BlindIndex implements Sealer. Callers must pass the canonical form (what
// the ident validators return), or one person gets two index values.
func (k *Keys) BlindIndex(domain, value string) string {
	m := k.idxPool.Get().(hash.Hash)
	defer k.idxPool.Put(m)
	m.Reset()
	io.WriteString(m, domain)
	m.Write([]byte{0})
	io.WriteString(m, value)
	var sum [sm3.Size]byte
	return hex.EncodeToString(m.Sum(sum[:0]))
}

// MAC implements Sealer.
func (k *Keys) MAC(data []byte) []byte {
	m := k.macPool.Get().(hash.Hash)
	defer k.macPool.Put(m)
	m.Reset()
	m.Write(data)
	return m.Sum(nil)
}

// SM3 returns the SM3 digest (GB/T 32905-2016) of data.
func SM3(data []byte) []byte {
	s := sm3.Sum(data)
	return s[:]
}

// SM3Hex returns the lower-case hex SM3 digest of data.
func SM3Hex(data []byte) string {
	return hex.EncodeToString(SM3(data))
}
