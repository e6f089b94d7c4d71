package dev.baton.listeners;

import dev.baton.tenancy.TenantId;

/** Told how each attempt to deliver ended, after it is recorded (the meters count them). */
@FunctionalInterface
public interface DeliveryObserver {

    /** How an attempt ended: delivered, failed and to be tried again, or failed for the last time. */
    enum Outcome { DELIVERED, RETRIED, DEAD }

    void finished(TenantId tenant, Outcome outcome);

    /** Tells nobody. */
    DeliveryObserver NONE = (tenant, outcome) -> { };
}
