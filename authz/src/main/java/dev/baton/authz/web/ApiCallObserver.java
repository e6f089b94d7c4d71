package dev.baton.authz.web;

import dev.baton.tenancy.TenantId;

/** Told of every API call a signed-in caller made, once it is answered: what the per-tenant meters count. */
@FunctionalInterface
public interface ApiCallObserver {

    /** Hears nothing. */
    ApiCallObserver NONE = (tenant, status) -> { };

    /** A call of {@code tenant}'s was answered with HTTP {@code status}. */
    void answered(TenantId tenant, int status);
}
