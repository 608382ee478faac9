package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"zhongshu/internal/platform/auth"
)

func cmdUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("user: add|passwd|lock|unlock USERNAME")
	}
	sub := args[0]
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	var sf storeFlags
	sf.add(fs)
	name := fs.String("name", "", "display name")
	person := fs.Int64("person", 0, "linked person id")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input instead of generating one")
	var roles stringList
	fs.Var(&roles, "role", "role, or role@kind:id (repeatable)")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("user " + sub + ": exactly one USERNAME")
	}
	username := pos[0]
	a, err := open(ctx, sf, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.CheckSchema(ctx); err != nil {
		return err
	}
	password := func() (string, bool, error) {
		if !*fromStdin {
			return auth.TempPassword(), true, nil
		}
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", false, err
		}
		return strings.TrimRight(line, "\r\n"), false, nil
	}
	switch sub {
	case "add":
		var gs []auth.Grant
		for _, r := range roles {
			g := auth.Grant{ScopeKind: auth.ScopeZone}
			role, scope, has := strings.Cut(r, "@")
			g.Role = auth.Role(role)
			if has {
				kind, id, _ := strings.Cut(scope, ":")
				n, err := strconv.ParseInt(id, 10, 64)
				if err != nil {
					return fmt.Errorf("bad role scope %q: want role@kind:id", r)
				}
				g.ScopeKind, g.ScopeID = kind, n
			}
			gs = append(gs, g)
		}
		pw, gen, err := password()
		if err != nil {
			return err
		}
		if _, err := a.Auth.CreateUser(ctx, auth.NewUser{Username: username, DisplayName: *name, PersonID: *person, Password: pw, Grants: gs, MustChange: true}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created %s (must change the password at first sign-in)\n", username)
		if gen {
			fmt.Fprintf(stdout, "initial password: %s\n", pw)
		}
	case "passwd":
		id, err := a.Auth.UserID(ctx, username)
		if err != nil {
			return err
		}
		pw, gen, err := password()
		if err != nil {
			return err
		}
		if err := a.Auth.SetPassword(ctx, id, pw, true); err != nil {
			return err
		}
		if err := a.Auth.KillSessions(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s reset; it must be changed at next sign-in\n", username)
		if gen {
			fmt.Fprintf(stdout, "new password: %s\n", pw)
		}
	case "lock", "unlock":
		id, err := a.Auth.UserID(ctx, username)
		if err != nil {
			return err
		}
		if err := a.Auth.SetLocked(ctx, id, sub == "lock"); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%sed %s\n", sub, username)
	default:
		return errors.New("user: add|passwd|lock|unlock USERNAME")
	}
	return nil
}
