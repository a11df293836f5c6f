; DosOpen of C:\race\sub\secret 20000 times in a loop (for ConfinementTest's rename race: another process
; swaps race/sub between a directory and a link to the outside); whatever an open reads goes to standard
; output. Exits 0.
bits 32
org 0x10000
        jmp near start
        align 8
DosOpen:  dd 0                      ; 8   DOSCALLS.273
DosRead:  dd 0                      ; 12  DOSCALLS.281
DosWrite: dd 0                      ; 16  DOSCALLS.282
DosClose: dd 0                      ; 20  DOSCALLS.257
DosExit:  dd 0                      ; 24  DOSCALLS.234
start:
        mov dword [left], 20000
.loop:
        push 0
        push 0x40                   ; OPEN_SHARE_DENYNONE | OPEN_ACCESS_READONLY
        push 0x01                   ; OPEN_ACTION_OPEN_IF_EXISTS
        push 0
        push 0
        push action
        push hf
        push name
        call [DosOpen]
        add esp, 32
        test eax, eax
        jnz .next
        push got
        push 200
        push buf
        push dword [hf]
        call [DosRead]
        add esp, 16
        push written
        push dword [got]
        push buf
        push 1
        call [DosWrite]
        add esp, 16
        push dword [hf]
        call [DosClose]
        add esp, 4
.next:
        dec dword [left]
        jnz .loop
        push 0
        push 1
        call [DosExit]
name:    db "C:\race\sub\secret", 0
         align 4
left:    dd 0
action:  dd 0
hf:      dd 0
got:     dd 0
written: dd 0
buf:     times 200 db 0
