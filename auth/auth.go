// Package auth verifies the bearer credentials of policygraph's API — JSON Web Tokens signed
// with HS256 or RS256, or static API keys — and carries the resulting Principal in a request
// context. It never logs or returns a credential: errors name what is wrong with a token
// (expired, wrong issuer, bad signature), never the token itself.
package auth

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"github.com/policygraph/policygraph/fault"
)

// Role is what a principal may do. Roles are ordered: admin ⊃ editor ⊃ reader.
type Role string

// Roles, lowest first.
const (
	RoleNone   Role = ""       // anonymous: public reads only
	RoleReader Role = "reader" // reads, also when AUTH_READS=token
	RoleEditor Role = "editor" // curation mutations and the audit trail
	RoleAdmin  Role = "admin"  // everything, including merges
)

func (r Role) rank() int {
	switch r {
	case RoleReader:
		return 1
	case RoleEditor:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// AtLeast reports whether r includes min.
func (r Role) AtLeast(min Role) bool { return r.rank() >= min.rank() }

// ParseRole reads a role name (case-insensitive); unknown names are not roles.
func ParseRole(s string) (Role, bool) {
	switch Role(strings.ToLower(strings.TrimSpace(s))) {
	case RoleReader:
		return RoleReader, true
	case RoleEditor:
		return RoleEditor, true
	case RoleAdmin:
		return RoleAdmin, true
	}
	return RoleNone, false
}

// Principal is who makes a request.
type Principal struct {
	// Subject identifies the caller in the audit trail: the token's sub claim, or
	// "apikey:NAME" for an API key. Empty for anonymous callers.
	Subject string
	Role    Role
	// Method is how the caller authenticated: "jwt", "apikey" or "" (anonymous).
	Method string
}

// Anonymous reports whether p presented no credential.
func (p Principal) Anonymous() bool { return p.Method == "" }

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the request's principal; anonymous when none was set.
func FromContext(ctx context.Context) Principal {
	p, _ := ctx.Value(principalKey{}).(Principal)
	return p
}

// Require reports fault.ErrUnauthorized when the request's principal is anonymous and
// fault.ErrForbidden when its role is below min.
func Require(ctx context.Context, min Role) error {
	p := FromContext(ctx)
	if p.Anonymous() {
		return fmt.Errorf("this operation needs a bearer token with role %s or higher: %w", min, fault.ErrUnauthorized)
	}
	if !p.Role.AtLeast(min) {
		return fmt.Errorf("role %s may not do this; it needs role %s or higher: %w", roleName(p.Role), min, fault.ErrForbidden)
	}
	return nil
}

func roleName(r Role) string {
	if r == RoleNone {
		return "(none)"
	}
	return string(r)
}

// APIKey is one static API key: the SHA-256 of the key, the role it grants and a name for the
// audit trail.
type APIKey struct {
	Name string
	Hash [sha256.Size]byte
	Role Role
}

// Config says which credentials the API accepts. The zero value accepts none.
type Config struct {
	// HS256Secret verifies tokens signed with HMAC-SHA256 (AUTH_JWT_HS256_SECRET).
	HS256Secret []byte
	// RS256PublicKey verifies tokens signed with RSA-SHA256 (AUTH_JWT_RS256_PUBLIC_KEY_FILE).
	RS256PublicKey *rsa.PublicKey
	// Issuer, when set, must equal the token's iss claim (AUTH_JWT_ISSUER).
	Issuer string
	// Audience, when set, must be among the token's aud claim (AUTH_JWT_AUDIENCE).
	Audience string
	// RoleClaim names the claim holding the role: a string or a list of strings, the highest
	// known role wins (AUTH_JWT_ROLE_CLAIM, default "role").
	RoleClaim string
	// Leeway is the clock skew allowed on exp, nbf and iat (default 30s).
	Leeway time.Duration
	// APIKeys are the static keys (AUTH_API_KEYS).
	APIKeys []APIKey
}

// Enabled reports whether any credential can be verified.
func (c Config) Enabled() bool {
	return len(c.HS256Secret) > 0 || c.RS256PublicKey != nil || len(c.APIKeys) > 0
}

// LogValue renders the configuration without its secrets: which methods are on, the issuer
// and audience checks and the number of API keys.
func (c Config) LogValue() slog.Value {
	names := make([]string, 0, len(c.APIKeys))
	for _, k := range c.APIKeys {
		names = append(names, k.Name+"="+string(k.Role))
	}
	return slog.GroupValue(
		slog.Bool("hs256", len(c.HS256Secret) > 0),
		slog.Bool("rs256", c.RS256PublicKey != nil),
		slog.String("issuer", c.Issuer),
		slog.String("audience", c.Audience),
		slog.String("roleClaim", c.roleClaim()),
		slog.String("apiKeys", strings.Join(names, ",")),
	)
}

func (c Config) roleClaim() string {
	if c.RoleClaim == "" {
		return "role"
	}
	return c.RoleClaim
}

// LoadRS256PublicKey reads a PEM RSA public key (PKIX "PUBLIC KEY", PKCS#1 "RSA PUBLIC KEY")
// or certificate.
func LoadRS256PublicKey(path string) (*rsa.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, err := jwt.ParseRSAPublicKeyFromPEM(b)
	if err != nil {
		return nil, fmt.Errorf("%s: not a PEM RSA public key: %w", path, err)
	}
	if k.N.BitLen() < 2048 {
		return nil, fmt.Errorf("%s: RSA key of %d bits; 2048 or more needed", path, k.N.BitLen())
	}
	return k, nil
}

// ParseAPIKeys reads AUTH_API_KEYS: comma-separated entries, each [NAME@]KEY[=ROLE] where KEY
// is "sha256:" and the hex SHA-256 of the key (preferred: the key itself is then never in
// the configuration) or the key itself. ROLE defaults to editor; NAME, which the audit trail
// records as apikey:NAME, defaults to the first 8 hex digits of the hash.
func ParseAPIKeys(spec string) ([]APIKey, error) {
	var out []APIKey
	var errs []error
	for i, entry := range strings.Split(spec, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		name, rest, hasName := strings.Cut(entry, "@")
		if !hasName {
			name, rest = "", entry
		}
		key, roleName, hasRole := cutLast(rest, "=")
		role := RoleEditor
		if hasRole {
			r, ok := ParseRole(roleName)
			if !ok {
				errs = append(errs, fmt.Errorf("entry %d: role %q is not reader, editor or admin", i+1, roleName))
				continue
			}
			role = r
		}
		var k APIKey
		if hexHash, ok := strings.CutPrefix(key, "sha256:"); ok {
			b, err := hex.DecodeString(hexHash)
			if err != nil || len(b) != sha256.Size {
				errs = append(errs, fmt.Errorf("entry %d: sha256: wants 64 hex digits", i+1))
				continue
			}
			copy(k.Hash[:], b)
		} else {
			if len(key) < 16 {
				errs = append(errs, fmt.Errorf("entry %d: an API key needs at least 16 characters", i+1))
				continue
			}
			k.Hash = sha256.Sum256([]byte(key))
		}
		if name == "" {
			name = hex.EncodeToString(k.Hash[:4])
		}
		k.Name, k.Role = name, role
		out = append(out, k)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// cutLast splits s around the last sep; keys may contain "=" (base64) but roles do not.
func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	if _, ok := ParseRole(s[i+1:]); !ok {
		// A trailing "=..." that is not a role belongs to the key (base64 padding).
		if strings.Trim(s[i+1:], "=") == "" {
			return s, "", false
		}
	}
	return s[:i], s[i+1:], true
}

// Verifier checks credentials against a Config. It is safe for concurrent use.
type Verifier struct {
	cfg     Config
	methods []string
	now     func() time.Time
}

// NewVerifier returns a verifier for cfg.
func NewVerifier(cfg Config) *Verifier {
	v := &Verifier{cfg: cfg, now: time.Now}
	if len(cfg.HS256Secret) > 0 {
		v.methods = append(v.methods, jwt.SigningMethodHS256.Alg())
	}
	if cfg.RS256PublicKey != nil {
		v.methods = append(v.methods, jwt.SigningMethodRS256.Alg())
	}
	if v.cfg.Leeway == 0 {
		v.cfg.Leeway = 30 * time.Second
	}
	return v
}

// Verify checks a credential: a configured API key, or a JWT signed with a configured
// algorithm and key, unexpired, with the configured issuer and audience, a sub claim and a
// known role. Failures wrap fault.ErrUnauthorized and never quote the credential.
func (v *Verifier) Verify(credential string) (Principal, error) {
	credential = strings.TrimSpace(credential)
	if credential == "" {
		return Principal{}, fmt.Errorf("empty credential: %w", fault.ErrUnauthorized)
	}
	if len(v.cfg.APIKeys) > 0 {
		sum := sha256.Sum256([]byte(credential))
		var match *APIKey
		for i := range v.cfg.APIKeys {
			// Compare with every key in constant time so timing says nothing about which.
			if subtle.ConstantTimeCompare(sum[:], v.cfg.APIKeys[i].Hash[:]) == 1 && match == nil {
				match = &v.cfg.APIKeys[i]
			}
		}
		if match != nil {
			return Principal{Subject: "apikey:" + match.Name, Role: match.Role, Method: "apikey"}, nil
		}
	}
	if len(v.methods) == 0 {
		return Principal{}, fmt.Errorf("unknown API key (no JWT verification is configured): %w", fault.ErrUnauthorized)
	}
	if strings.Count(credential, ".") != 2 {
		return Principal{}, fmt.Errorf("not a known API key and not a JWT: %w", fault.ErrUnauthorized)
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(v.methods),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(), // an iat in the future (beyond the leeway) is refused
		jwt.WithLeeway(v.cfg.Leeway),
		jwt.WithTimeFunc(v.now),
	}
	if v.cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(v.cfg.Issuer))
	}
	if v.cfg.Audience != "" {
		opts = append(opts, jwt.WithAudience(v.cfg.Audience))
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(credential, claims, v.key, opts...)
	if err != nil {
		return Principal{}, fmt.Errorf("invalid token: %s: %w", tokenProblem(err, claims), fault.ErrUnauthorized)
	}
	sub, _ := claims.GetSubject()
	if sub == "" {
		return Principal{}, fmt.Errorf("invalid token: no sub claim: %w", fault.ErrUnauthorized)
	}
	if len(sub) > MaxSubjectBytes || strings.IndexFunc(sub, unicode.IsControl) >= 0 || !utf8.ValidString(sub) {
		return Principal{}, fmt.Errorf("invalid token: sub must be at most %d bytes of printable UTF-8: %w", MaxSubjectBytes, fault.ErrUnauthorized)
	}
	role := highestRole(claims[v.cfg.roleClaim()])
	if role == RoleNone {
		return Principal{}, fmt.Errorf("invalid token: claim %q holds no role (reader, editor or admin): %w", v.cfg.roleClaim(), fault.ErrUnauthorized)
	}
	return Principal{Subject: sub, Role: role, Method: "jwt"}, nil
}

// key returns the verification key for the token's algorithm; WithValidMethods has already
// refused any other algorithm, so an HS256 token is never checked against the RSA key.
func (v *Verifier) key(t *jwt.Token) (any, error) {
	switch t.Method.Alg() {
	case jwt.SigningMethodHS256.Alg():
		if len(v.cfg.HS256Secret) > 0 {
			return v.cfg.HS256Secret, nil
		}
	case jwt.SigningMethodRS256.Alg():
		if v.cfg.RS256PublicKey != nil {
			return v.cfg.RS256PublicKey, nil
		}
	}
	return nil, fmt.Errorf("algorithm %s not accepted", t.Method.Alg())
}

// MaxSubjectBytes bounds a token's sub: it is stored as the actor of every change.
const MaxSubjectBytes = 256

// tokenProblem names what is wrong with a token in words safe to return to the caller.
func tokenProblem(err error, claims jwt.MapClaims) string {
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		return "malformed"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return "signature or algorithm not accepted"
	case errors.Is(err, jwt.ErrTokenExpired):
		return "expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return "not valid yet"
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		for _, c := range []string{"exp", "iss", "aud"} {
			if _, ok := claims[c]; !ok {
				return "a required claim (" + c + ") is missing"
			}
		}
		return "a required claim is missing"
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return "wrong issuer"
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return "wrong audience"
	}
	return "not accepted"
}

func highestRole(v any) Role {
	best := RoleNone
	consider := func(s string) {
		if r, ok := ParseRole(s); ok && r.rank() > best.rank() {
			best = r
		}
	}
	switch x := v.(type) {
	case string:
		for _, f := range strings.FieldsFunc(x, func(r rune) bool { return r == ' ' || r == ',' }) {
			consider(f)
		}
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok {
				consider(s)
			}
		}
	}
	return best
}
