/**
 * May this customer receive spirits at this address now: the legal age and the region's rules (the
 * compliance service), and a location of the shop that ships there. Ballot entries and waitlist entries
 * check it on entry, before any order exists (the order's own placing checks it again).
 */
import { DomainError } from "../../domain-error.ts";
import type { Shipping } from "../../http/shipping-address.ts";
import type { CustomersService } from "../customers/customers.service.ts";
import type { LocationsService } from "../locations/locations.service.ts";
import type { ComplianceService } from "./compliance.service.ts";

/** Throws a DomainError naming what fails (age, blocked region, `not-shippable`); resolves when it may. */
export function destinationCheck(s: {
  customers: Pick<CustomersService, "getCustomer">;
  compliance: Pick<ComplianceService, "checkOrder">;
  locations: Pick<LocationsService, "serving">;
}) {
  return async (customerId: string, shipping: Shipping, at: Date): Promise<void> => {
    const profile = await s.customers.getCustomer(customerId);
    const region = shipping.region ?? null;
    await s.compliance.checkOrder({
      dateOfBirth: profile?.dateOfBirth ?? null,
      country: shipping.country,
      region,
      at,
    });
    if (!(await s.locations.serving({ country: shipping.country, region })).length) {
      throw new DomainError(
        "not-shippable",
        `None of the shop's locations ships to ${region ?? shipping.country}.`,
        {
          extra: { country: shipping.country, region, available: 0, elsewhere: null },
        },
      );
    }
  };
}
