package dev.baton.authz.web;

import dev.baton.authz.AuthProperties;
import dev.baton.authz.api.AuthzException;
import dev.baton.authz.api.Caller;
import dev.baton.authz.identity.ExternalIssuers;
import dev.baton.authz.identity.Identities;
import dev.baton.tenancy.outbound.OutboundAddressPolicy;
import java.util.List;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** A tenant administrator registers the tenant's own OpenID Connect issuers and how their claims map to teams. */
@RestController
@RequestMapping("/api/identity-providers")
public class IdentityProviderResource {

    private static final java.util.regex.Pattern CLIENT_ID = java.util.regex.Pattern.compile("[\\x21-\\x7e]{1,255}");

    /**
     * A registration request; claims default to {@code sub} for the user and {@code name} for the display name;
     * {@code consoleClientId} lets the tenant's people sign in to the console through the issuer.
     */
    public record NewProvider(String issuer, String audience, String userClaim, String nameClaim, String groupsClaim,
            List<ExternalIssuers.GroupMapping> groupMappings, String adminGroup, String consoleClientId) {}

    private final ExternalIssuers issuers;
    private final Identities identities;
    private final AuthProperties props;
    private final OutboundAddressPolicy outbound;

    public IdentityProviderResource(ExternalIssuers issuers, Identities identities, AuthProperties props,
            OutboundAddressPolicy outbound) {
        this.outbound = outbound;
        this.issuers = issuers;
        this.identities = identities;
        this.props = props;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    public ExternalIssuers.Provider register(@AuthenticationPrincipal Caller caller, @RequestBody NewProvider p) {
        Access.requireTenantAdmin(caller, "register identity providers");
        if (p.issuer() == null || p.issuer().isBlank() || p.issuer().length() > 1000) {
            throw AuthzException.invalid("issuer", "is required, at most 1000 characters: the issuer's URL, as in "
                    + "its tokens' iss");
        }
        try {
            outbound.check(p.issuer());
        } catch (OutboundAddressPolicy.RefusedAddressException e) {
            throw AuthzException.invalid("issuer", "the URL " + e.getMessage());
        }
        if (p.issuer().equals(props.issuer())) {
            throw AuthzException.invalid("issuer", "is this installation's own issuer");
        }
        // Audiences live in the tenant's own namespace, so no tenant can take (or learn of) another's registration
        // of the same issuer, and a token's audience still names exactly one tenant.
        String namespace = "baton:" + caller.tenant().value();
        if (p.audience() == null || p.audience().length() > 255
                || !(p.audience().equals(namespace) || p.audience().startsWith(namespace + ":"))) {
            throw AuthzException.invalid("audience", "must be '" + namespace + "' or start with '" + namespace
                    + ":' (at most 255 characters): the aud your issuer puts in tokens meant for this tenant");
        }
        List<ExternalIssuers.GroupMapping> mappings = p.groupMappings() == null ? List.of() : p.groupMappings();
        for (int i = 0; i < mappings.size(); i++) {
            ExternalIssuers.GroupMapping m = mappings.get(i);
            if (m.group() == null || m.roles() == null || m.roles().isEmpty()) {
                throw AuthzException.invalid("groupMappings[" + i + "]", "needs a group and at least one role");
            }
            if (m.team() == null || !identities.teamExists(caller.tenant(), m.team())) {
                throw AuthzException.invalid("groupMappings[" + i + "].team", "there is no team '" + m.team() + "'");
            }
        }
        if (p.consoleClientId() != null && !CLIENT_ID.matcher(p.consoleClientId()).matches()) {
            throw AuthzException.invalid("consoleClientId", "must be 1-255 printable characters without spaces: the "
                    + "client id your issuer gave the console (a public client with PKCE)");
        }
        if (!mappings.isEmpty() && p.groupsClaim() == null) {
            throw AuthzException.invalid("groupsClaim", "is required to map groups to teams");
        }
        try {
            return issuers.register(caller.tenant(), new ExternalIssuers.Provider(caller.tenant(), null, p.issuer(),
                    p.audience(), p.userClaim() == null ? "sub" : p.userClaim(),
                    p.nameClaim() == null ? "name" : p.nameClaim(), p.groupsClaim(), mappings, p.adminGroup(),
                    p.consoleClientId(), true));
        } catch (DuplicateKeyException e) {
            throw AuthzException.conflict("audience", "this tenant has registered this issuer and audience already");
        }
    }

    @GetMapping
    public List<ExternalIssuers.Provider> list(@AuthenticationPrincipal Caller caller) {
        Access.requireTenantAdmin(caller, "list identity providers");
        return issuers.list(caller.tenant());
    }

    @DeleteMapping("/{providerId}")
    public void delete(@AuthenticationPrincipal Caller caller, @PathVariable UUID providerId) {
        Access.requireTenantAdmin(caller, "remove identity providers");
        if (!issuers.delete(caller.tenant(), providerId)) {
            throw AuthzException.notFound("no identity provider " + providerId);
        }
    }
}
